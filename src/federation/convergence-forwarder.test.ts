import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CONVERGENCE_OBJECTS, type ObjectConvergence } from '../api/convergence.js';
import { reportOf } from './convergence-forwarder.js';

const item = (name: string, converged: boolean): ObjectConvergence => ({
  kind: 'Service',
  namespace: 'ns',
  name,
  written: { revision: 1, at: '' },
  inXds: { revision: 1, resources: [] },
  proxies: 2,
  acked: converged ? 2 : 1,
  conditions: [
    {
      type: 'Converged',
      status: converged ? 'True' : 'False',
      reason: converged ? 'AllProxiesAcked' : 'ProxiesPending',
      message: '',
    },
  ],
});

test('a report lists the pending objects first and says how many it left out past the limit', () => {
  const list = {
    kind: 'ConvergenceList',
    apiVersion: 'mesh.meshbridge.io/v1',
    items: [item('a', true), item('b', false)],
  } as const;
  assert.deepEqual(
    reportOf('tetrate', list).items?.map((o) => o.name),
    ['b', 'a'],
  );
  assert.equal(reportOf('tetrate', list).omitted, undefined);
  const many = Array.from({ length: MAX_CONVERGENCE_OBJECTS + 5 }, (_, i) =>
    item(`s${i}`, i !== MAX_CONVERGENCE_OBJECTS + 4),
  );
  const report = reportOf('tetrate', { ...list, items: many });
  assert.equal(report.items?.length, MAX_CONVERGENCE_OBJECTS);
  assert.equal(report.omitted, 5);
  assert.equal(report.items?.[0]?.name, `s${MAX_CONVERGENCE_OBJECTS + 4}`, 'the pending one is kept');
});
