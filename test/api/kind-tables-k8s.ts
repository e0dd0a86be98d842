/** Per-kind tables for the Kubernetes kinds. */
import { k8s, podSpec, set, del, push, type Table } from './kind-helpers.js';

/** One table per kind: a valid object and changes that must each produce the stated code at the stated path. */
export const K8S_TABLES: Table[] = [
  {
    kind: 'Namespace',
    valid: k8s('v1', 'Namespace', {}),
    invalid: [
      {
        change: set('metadata.name', 'Bookinfo'),
        code: 'MB0107',
        path: 'metadata.name',
        why: 'names are lowercase',
      },
      {
        change: set('metadata.name', 'book.info'),
        code: 'MB0107',
        path: 'metadata.name',
        why: 'namespace names are DNS labels, without dots',
      },
      {
        change: set('metadata.labels', { team: 'books and more' }),
        code: 'MB0107',
        path: 'metadata.labels.team',
        why: 'label values have no spaces',
      },
      {
        change: set('metadata.labels', { 'a/b/c': 'x' }),
        code: 'MB0107',
        path: 'metadata.labels["a/b/c"]',
        why: 'label keys have at most one prefix',
      },
      {
        change: set('status', { phase: 'Gone' }),
        code: 'MB0105',
        path: 'status.phase',
        why: 'phase is Active or Terminating',
      },
    ],
  },
  {
    kind: 'Service',
    valid: k8s('v1', 'Service', { spec: { selector: { app: 'x' }, ports: [{ port: 9080, name: 'http' }] } }),
    invalid: [
      {
        change: set('spec.ports[0].port', 0),
        code: 'MB0106',
        path: 'spec.ports[0].port',
        why: 'ports start at 1',
      },
      { change: set('spec.type', 'Internal'), code: 'MB0105', path: 'spec.type', why: 'unknown service type' },
      {
        change: set('metadata.name', '9lives'),
        code: 'MB0107',
        path: 'metadata.name',
        why: 'service names start with a letter',
      },
      {
        change: set('spec.ports[0].targetPort', true),
        code: 'MB0103',
        path: 'spec.ports[0].targetPort',
        why: 'int or string',
      },
      {
        change: push('spec.ports', { port: 9081 }),
        code: 'MB0202',
        path: 'spec.ports[1].name',
        why: 'several ports need names',
      },
      {
        change: set('status', { loadBalancer: { ingress: [{ address: '1.2.3.4' }] } }),
        code: 'MB0104',
        path: 'status.loadBalancer.ingress[0].address',
        why: 'ip or hostname',
      },
    ],
  },
  {
    kind: 'ServiceAccount',
    valid: k8s('v1', 'ServiceAccount', { automountServiceAccountToken: false }),
    invalid: [{ change: set('spec', {}), code: 'MB0104', path: 'spec', why: 'a ServiceAccount has no spec' }],
  },
  {
    kind: 'Deployment',
    valid: k8s('apps/v1', 'Deployment', {
      spec: {
        selector: { matchLabels: { app: 'x' } },
        template: { metadata: { labels: { app: 'x' } }, spec: podSpec() },
      },
    }),
    invalid: [
      { change: del('spec.selector'), code: 'MB0102', path: 'spec.selector', why: 'the selector is required' },
      {
        change: set('spec.template.spec.containers', []),
        code: 'MB0106',
        path: 'spec.template.spec.containers',
        why: 'at least one container',
      },
      {
        change: set('spec.replicas', -1),
        code: 'MB0106',
        path: 'spec.replicas',
        why: 'replicas are not negative',
      },
      {
        change: set('spec.template.metadata.labels.app', 'y'),
        code: 'MB0201',
        path: 'spec.selector.matchLabels.app',
        why: 'the selector must select the template',
      },
      {
        change: set('spec.template.spec.containers[0].resources', { limits: { cpu: 'lots' } }),
        code: 'MB0107',
        path: 'spec.template.spec.containers[0].resources.limits.cpu',
        why: 'quantities',
      },
      {
        change: set('spec.template.spec.containers[0].livenessProbe', { httpGet: { path: '/' } }),
        code: 'MB0102',
        path: 'spec.template.spec.containers[0].livenessProbe.httpGet.port',
        why: 'a probe needs a port',
      },
    ],
  },
  {
    kind: 'Pod',
    valid: k8s('v1', 'Pod', { spec: podSpec(), status: { phase: 'Running', podIP: '127.1.0.2' } }),
    invalid: [
      {
        change: set('spec.containers[0].imagePullPolicy', 'Sometimes'),
        code: 'MB0105',
        path: 'spec.containers[0].imagePullPolicy',
        why: 'pull policies',
      },
      {
        change: set('status.startTime', 'yesterday'),
        code: 'MB0107',
        path: 'status.startTime',
        why: 'RFC 3339 timestamps',
      },
      {
        change: set('spec.volumes', [
          { name: 'v', emptyDir: {} },
          { name: 'v', emptyDir: {} },
        ]),
        code: 'MB0203',
        path: 'spec.volumes[1].name',
        why: 'volume names are unique',
      },
    ],
  },
  {
    kind: 'Endpoints',
    valid: k8s('v1', 'Endpoints', { subsets: [{ addresses: [{ ip: '127.1.0.2' }], ports: [{ port: 9080 }] }] }),
    invalid: [
      {
        change: del('subsets[0].addresses[0].ip'),
        code: 'MB0102',
        path: 'subsets[0].addresses[0].ip',
        why: 'an address has an ip',
      },
    ],
  },
  {
    kind: 'Node',
    valid: k8s('v1', 'Node', {
      status: { capacity: { cpu: '2' }, addresses: [{ type: 'InternalIP', address: '127.1.0.1' }] },
    }),
    invalid: [
      {
        change: set('spec', { taints: [{ key: 'k', effect: 'Sometimes' }] }),
        code: 'MB0105',
        path: 'spec.taints[0].effect',
        why: 'taint effects',
      },
    ],
  },
  {
    kind: 'ReplicaSet',
    valid: k8s('apps/v1', 'ReplicaSet', {
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'x', 'pod-template-hash': 'abc' } },
        template: { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } }, spec: podSpec() },
      },
    }),
    invalid: [
      { change: del('spec.selector'), code: 'MB0102', path: 'spec.selector', why: 'the selector is required' },
      { change: set('spec.replicas', -1), code: 'MB0106', path: 'spec.replicas', why: 'replicas are not negative' },
    ],
  },
  {
    kind: 'Event',
    valid: k8s('v1', 'Event', {
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'x', uid: 'u' },
      reason: 'Started',
      message: 'Started container app',
      type: 'Normal',
      count: 1,
      source: { component: 'kubelet', host: 'node' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
    }),
    invalid: [
      { change: del('involvedObject'), code: 'MB0102', path: 'involvedObject', why: 'an event is about an object' },
      { change: set('type', 'Info'), code: 'MB0105', path: 'type', why: 'events are Normal or Warning' },
    ],
  },
  {
    kind: 'EndpointSlice',
    valid: k8s('discovery.k8s.io/v1', 'EndpointSlice', {
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.1.0.2'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 9080, protocol: 'TCP' }],
    }),
    invalid: [
      { change: set('addressType', 'IPv5'), code: 'MB0105', path: 'addressType', why: 'IPv4, IPv6 or FQDN addresses' },
      {
        change: set('endpoints[0].addresses', []),
        code: 'MB0106',
        path: 'endpoints[0].addresses',
        why: 'an endpoint has at least one address',
      },
    ],
  },
  {
    kind: 'Lease',
    valid: k8s('coordination.k8s.io/v1', 'Lease', {
      spec: {
        holderIdentity: 'meshbridge-controller-7d9f-abcde_42',
        leaseDurationSeconds: 15,
        acquireTime: '2026-01-01T00:00:00.000000Z',
        renewTime: '2026-01-01T00:00:10.000000Z',
        leaseTransitions: 2,
      },
    }),
    invalid: [
      {
        change: set('spec.leaseDurationSeconds', 0),
        code: 'MB0106',
        path: 'spec.leaseDurationSeconds',
        why: 'a lease lasts',
      },
      {
        change: set('spec.renewTime', 'yesterday'),
        code: 'MB0107',
        path: 'spec.renewTime',
        why: 'MicroTime is RFC 3339',
      },
    ],
  },
];
