import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidates, resolveIn } from './cluster-dns.js';

const table = {
  'meshbridge-mgmt.meshbridge.svc.cluster.local': ['127.40.0.3'],
  'details.bookinfo.svc.cluster.local': ['127.40.0.9'],
  'ratings.bookinfo.svc.cluster.local': ['127.40.0.10', '127.40.0.11'],
  'down.bookinfo.svc.cluster.local': [],
};
const first = (name: string, ns: string): string | undefined => resolveIn(table, name, ns)?.[0];

test('Service names resolve with the search path a pod in the namespace gets', () => {
  assert.equal(first('meshbridge-mgmt.meshbridge.svc', 'meshbridge'), '127.40.0.3');
  assert.equal(first('meshbridge-mgmt.meshbridge.svc.cluster.local', 'other'), '127.40.0.3');
  assert.equal(first('meshbridge-mgmt.meshbridge.svc.cluster.local.', 'other'), '127.40.0.3');
  assert.equal(first('meshbridge-mgmt', 'meshbridge'), '127.40.0.3');
  assert.equal(first('details.bookinfo', 'meshbridge'), '127.40.0.9');
  assert.equal(first('DETAILS.bookinfo', 'x'), '127.40.0.9', 'names are case-insensitive');
});

test("other names are not the cluster's: the host resolver answers them", () => {
  assert.equal(first('meshbridge-mgmt', 'default'), undefined, 'another namespace');
  assert.equal(first('example.com', 'meshbridge'), undefined);
  assert.equal(first('meshbridge-mgmt.meshbridge.svc.cluster.local.', 'x'), '127.40.0.3');
  assert.deepEqual(candidates('a.b.c.d.e', 'ns')[0], 'a.b.c.d.e', 'five labels: tried as is first');
  assert.equal(first('down.bookinfo', 'x'), undefined, 'no ready pod: not resolved here');
});

test('every ready pod of a Service is an answer, and each comes first sometimes', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const ips = resolveIn(table, 'ratings.bookinfo', 'x') ?? [];
    assert.deepEqual([...ips].sort(), ['127.40.0.10', '127.40.0.11']);
    seen.add(ips[0] ?? '');
  }
  assert.equal(seen.size, 2);
});
