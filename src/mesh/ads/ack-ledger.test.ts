// The ACK ledger: what a proxy has ACKed, per type, from each ACKed response's changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckLedger } from './ack-ledger.js';

const T = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';

test('a first set is recorded as it is, later changes set and remove names', () => {
  const ledger = new AckLedger();
  const shared = new Map([
    ['a', '1'],
    ['b', '1'],
  ]);
  ledger.apply(T, shared, { removals: false });
  assert.equal(ledger.size(T), 2);
  ledger.apply(
    T,
    new Map<string, string | null>([
      ['a', null],
      ['c', '2'],
    ]),
    { removals: true },
  );
  assert.deepEqual([ledger.version(T, 'a'), ledger.version(T, 'b'), ledger.version(T, 'c')], [undefined, '1', '2']);
  assert.equal(ledger.size(T), 2);
  assert.deepEqual(
    [...shared],
    [
      ['a', '1'],
      ['b', '1'],
    ],
    'the shared first set is never changed',
  );
});

test('a first response that removes names is applied entry by entry, told or found out', () => {
  for (const removals of [true, undefined]) {
    const ledger = new AckLedger();
    ledger.apply(
      T,
      new Map<string, string | null>([
        ['a', '1'],
        ['gone', null],
      ]),
      removals === undefined ? {} : { removals },
    );
    assert.equal(ledger.version(T, 'a'), '1');
    assert.equal(ledger.size(T), 1, `removals: ${removals}`);
  }
});

test('replace drops what the full set no longer holds', () => {
  const ledger = new AckLedger();
  ledger.apply(T, new Map([['a', '1']]), { removals: false });
  ledger.apply(T, new Map([['b', '1']]), { replace: true, removals: false });
  assert.equal(ledger.version(T, 'a'), undefined);
  assert.equal(ledger.version(T, 'b'), '1');
});
