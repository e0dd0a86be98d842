import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyFromNode, ProxyIdError } from './proxy.js';
import { createSnapshot } from './snapshot.js';

test('a sidecar node id gives type, IP, pod and namespace; node.locality is used as given', () => {
  const p = proxyFromNode({
    id: 'sidecar~127.1.0.10~productpage-v1-abc.bookinfo~bookinfo.svc.cluster.local',
    locality: { region: 'eu-west-2', zone: 'eu-west-2a', sub_zone: 'x' },
    metadata: { LABELS: { app: 'productpage', n: 1 } },
  });
  assert.deepEqual(
    { type: p.type, ip: p.ip, pod: p.podName, ns: p.namespace, labels: p.labels },
    { type: 'sidecar', ip: '127.1.0.10', pod: 'productpage-v1-abc', ns: 'bookinfo', labels: { app: 'productpage' } },
  );
  assert.deepEqual(p.locality, { region: 'eu-west-2', zone: 'eu-west-2a', subzone: 'x' });
});

test('without node.locality or LABELS, the pod with the proxy IP supplies them (istio-locality wins)', () => {
  const snapshot = createSnapshot([
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'gw-0',
        namespace: 'bookinfo',
        labels: { app: 'eastwest-gateway', 'istio-locality': 'eu-remote-1' },
      },
      spec: { containers: [{ name: 'gw' }] },
      status: { phase: 'Running', podIP: '127.2.0.50' },
    },
  ]);
  const p = proxyFromNode({ id: 'router~127.2.0.50~gw-0.bookinfo~bookinfo.svc.cluster.local' }, snapshot);
  assert.equal(p.type, 'router');
  assert.deepEqual(p.locality, { region: 'eu-remote-1', zone: '', subzone: '' });
  assert.equal(p.labels['app'], 'eastwest-gateway');
});

test('malformed node ids are refused with a typed error', () => {
  for (const id of ['productpage', 'proxy~1.2.3.4~a.b~c', 'sidecar~~a.b~c', 'sidecar~1.2.3.4~a.b']) {
    assert.throws(
      () => proxyFromNode({ id }),
      (e: unknown) => e instanceof ProxyIdError && e.code === 'MB0803',
      id,
    );
  }
});
