import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localityText, LocalityTextError, MAX_LOCALITY_TEXT, parseLocalityText } from './locality.js';

describe('locality text (MB_LOCALITY, WorkloadEntry locality)', () => {
  const table: Array<[{ region: string; zone: string; subzone?: string }, string]> = [
    [{ region: '', zone: '', subzone: '' }, ''],
    [{ region: 'eu-remote-1', zone: '' }, 'eu-remote-1'],
    [{ region: 'eu-west-2', zone: 'eu-west-2a' }, 'eu-west-2/eu-west-2a'],
    [{ region: 'eu-west-2', zone: 'eu-west-2a', subzone: '' }, 'eu-west-2/eu-west-2a'],
    [{ region: 'eu-west-2', zone: 'eu-west-2a', subzone: 'rack-7' }, 'eu-west-2/eu-west-2a/rack-7'],
    [{ region: 'r', zone: '', subzone: 's' }, 'r//s'],
  ];
  for (const [parts, text] of table) {
    it(`writes ${JSON.stringify(parts)} as ${JSON.stringify(text)} and reads it back`, () => {
      assert.equal(localityText(parts), text);
      assert.deepEqual(parseLocalityText(text), { subzone: '', ...parts });
    });
  }

  it('reads a trailing separator as an empty subzone', () => {
    assert.deepEqual(parseLocalityText('eu-west-2/eu-west-2a/'), {
      region: 'eu-west-2',
      zone: 'eu-west-2a',
      subzone: '',
    });
  });

  it('refuses more than three parts and text over the limit', () => {
    assert.throws(
      () => parseLocalityText('a/b/c/d'),
      (e: unknown) => e instanceof LocalityTextError && e.code === 'MB0901',
    );
    assert.throws(() => parseLocalityText('r'.repeat(MAX_LOCALITY_TEXT + 1)), LocalityTextError);
  });
});
