/**
 * Contract C end to end without processes: the environment a local cluster gives a proxy (src/xds/pod-env.ts, as
 * src/local/embedded-mesh.ts builds it), read by the data plane (readProxyConfig), announced as its xDS node over
 * the ADS wire encoding, and parsed by the control plane (proxyFromNode) gives the pod the locality, namespace,
 * labels and identity the control plane itself computes for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readProxyConfig } from '../../src/dataplane/config.js';
import { buildNode } from '../../src/dataplane/xds/node.js';
import { podLocality, proxyFromNode } from '../../src/mesh/index.js';
import { adsServiceDefinition, proxyEnv, structToJson, type DiscoveryRequest } from '../../src/xds/index.js';

const SECRET = 's'.repeat(43);

/** The node as the control plane receives it: serialised and deserialised by the one ADS service definition. */
function overTheWire(node: Record<string, unknown>): DiscoveryRequest['node'] {
  const method = adsServiceDefinition()['StreamAggregatedResources'];
  assert.ok(method);
  const bytes = method.requestSerialize({ node, type_url: 'x' });
  return (method.requestDeserialize(bytes) as DiscoveryRequest).node;
}

const NODE_LABELS = {
  'topology.kubernetes.io/region': 'eu-west-2',
  'topology.kubernetes.io/zone': 'eu-west-2a',
};

const cases: Array<{ name: string; pod: Record<string, string>; node: Record<string, string> | undefined }> = [
  { name: 'a pod on a node with region and zone', pod: { app: 'details' }, node: NODE_LABELS },
  {
    name: 'a pod on a node with a subzone',
    pod: { app: 'details' },
    node: { ...NODE_LABELS, 'topology.istio.io/subzone': 'rack-7' },
  },
  { name: 'a gateway moved by its istio-locality label', pod: { 'istio-locality': 'eu-remote-1' }, node: NODE_LABELS },
  { name: 'a pod whose node has no topology labels', pod: { app: 'ratings' }, node: undefined },
  {
    name: 'a pod on a node with only a region',
    pod: { app: 'ratings' },
    node: { 'topology.kubernetes.io/region': 'r' },
  },
];

describe('contract C: the control plane reads what the pod environment says', () => {
  for (const c of cases) {
    for (const role of ['sidecar', 'router'] as const) {
      it(`${role}: ${c.name}`, () => {
        const locality = podLocality(c.pod, c.node);
        const env = proxyEnv({
          role,
          xdsAddress: '127.0.0.1:15010',
          podIp: '127.160.0.7',
          podName: 'details-v1-abc',
          namespace: 'bookinfo',
          serviceAccount: 'bookinfo-details',
          cluster: 'cluster-1',
          network: 'network-1',
          locality,
          workload: 'details-v1',
          labels: c.pod,
          certDir: '/nonexistent/certs',
          gatewayAddresses: role === 'router' ? ['127.160.0.7'] : undefined,
          proxySecret: role === 'sidecar' ? SECRET : undefined,
        });
        const config = readProxyConfig(role, env);
        const node = overTheWire(buildNode(config));
        assert.ok(node?.id);
        const proxy = proxyFromNode({ id: node.id, locality: node.locality, metadata: structToJson(node.metadata) });
        assert.deepEqual(proxy.locality, locality);
        assert.equal(proxy.type, role);
        assert.equal(proxy.ip, '127.160.0.7');
        assert.equal(proxy.podName, 'details-v1-abc');
        assert.equal(proxy.namespace, 'bookinfo');
        assert.deepEqual(proxy.labels, c.pod);
      });
    }
  }
});
