import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocuments, validateSources } from '../../src/api/index.js';
import { FIXTURES } from '../support/paths.js';
import { readShared, sharedFixtureFiles } from './support.js';

for (const file of sharedFixtureFiles()) {
  test(`every document of ${file.slice(FIXTURES.length + 1)} is accepted as it is`, () => {
    const text = readShared(file);
    const parsed = parseDocuments(text, file);
    assert.deepEqual(parsed.issues, []);
    assert.ok(parsed.documents.length > 0);
    const result = validateSources([{ file, text }]);
    assert.deepEqual(result.errors, []);
    assert.equal(result.ok, true);
    for (const { result: r } of result.results) assert.ok(r.value, 'a valid document yields its defaulted value');
  });
}

test('the shared fixtures validate together as one set, warning only that the gateway is defined twice and exposes everything', () => {
  const sources = sharedFixtureFiles().map((file) => ({ file, text: readShared(file) }));
  const result = validateSources(sources);
  assert.equal(result.ok, true);
  assert.equal(result.results.length, 20);
  assert.deepEqual(
    result.warnings.map((w) => `${w.code} ${w.kind}/${w.name} ${w.path}`),
    [
      'MB0303 WorkspaceSetting/bookinfo-ws-setting spec.defaultEastWestGatewaySettings[0]',
      'MB0305 IngressGateway/eastwest-gateway metadata.name',
    ],
  );
});
