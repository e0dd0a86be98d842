import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeId, parseNodeId, structToJson, toStruct } from './node.js';

describe('xDS node id and metadata', () => {
  it('writes the Istio node id and parses it back', () => {
    const id = nodeId('sidecar', '127.1.0.7', 'details-v1-abc', 'bookinfo');
    assert.equal(id, 'sidecar~127.1.0.7~details-v1-abc.bookinfo~bookinfo.svc.cluster.local');
    assert.deepEqual(parseNodeId(id), {
      role: 'sidecar',
      ip: '127.1.0.7',
      podName: 'details-v1-abc',
      namespace: 'bookinfo',
    });
    assert.deepEqual(parseNodeId(nodeId('router', '127.2.0.9', 'eastwest-1', 'istio-system')), {
      role: 'router',
      ip: '127.2.0.9',
      podName: 'eastwest-1',
      namespace: 'istio-system',
    });
  });

  it('leaves the namespace open for a bare pod name', () => {
    assert.deepEqual(parseNodeId('sidecar~10.0.0.1~client~cluster.local'), {
      role: 'sidecar',
      ip: '10.0.0.1',
      podName: 'client',
      namespace: undefined,
    });
  });

  for (const bad of ['', 'sidecar', 'gateway~1.2.3.4~p.ns~d', 'sidecar~~p.ns~d', 'sidecar~1.2.3.4~~d', 'a~b~c~d~e']) {
    it(`refuses the id ${JSON.stringify(bad)}`, () => assert.equal(parseNodeId(bad), undefined));
  }

  it('round-trips metadata through a Struct', () => {
    const meta = { NAMESPACE: 'bookinfo', LABELS: { app: 'details', version: 'v1' }, INSTANCE_IPS: '127.1.0.7' };
    assert.deepEqual(structToJson(toStruct(meta)), meta);
  });
});
