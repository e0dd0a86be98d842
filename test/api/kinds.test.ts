import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KINDS,
  SCHEMAS,
  apiVersionOf,
  jsonSchemaFor,
  parsePath,
  validateObject,
  type KindName,
} from '../../src/api/index.js';

type Obj = Record<string, unknown>;
type Case = { change: (o: Obj) => void; code: string; path: string; why: string };
type Table = { kind: KindName; valid: Obj; invalid: Case[] };

/** The container holding the last segment of `path` in `o`, and that segment. */
function holder(o: Obj, path: string): [Record<string | number, unknown>, string | number] {
  const segs = parsePath(path)!;
  let cur = o as Record<string | number, unknown>;
  for (const seg of segs.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  return [cur, segs[segs.length - 1]!];
}
const set = (path: string, value: unknown) => (o: Obj) => {
  const [h, k] = holder(o, path);
  h[k] = value;
};
const del = (path: string) => (o: Obj) => {
  const [h, k] = holder(o, path);
  delete h[k];
};
const push = (path: string, value: unknown) => (o: Obj) => {
  const [h, k] = holder(o, path);
  (h[k] as unknown[]).push(value);
};
/** The value at `path` of a validated object. */
const at = (value: unknown, path: string): unknown => {
  const [h, k] = holder(value as Obj, path);
  return h[k];
};

const k8s = (apiVersion: string, kind: string, rest: object) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'bookinfo' },
  ...rest,
});
const tsb = (kind: string, metadata: object, rest: object = {}) => ({
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind,
  metadata: { name: 'x', ...metadata },
  ...rest,
});
const podSpec = () => ({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] });
const org = { organization: 'tetrate' };
const ten = { ...org, tenant: 'tetrate' };

// One table per kind: a valid object and changes that must each produce the stated code at the stated path.
const TABLES: Table[] = [
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
    kind: 'WorkloadEntry',
    valid: k8s('networking.istio.io/v1', 'WorkloadEntry', {
      spec: { address: '127.2.200.1', ports: { http: 15443 }, locality: 'eu-remote-1' },
    }),
    invalid: [
      { change: set('spec.ports.http', 70000), code: 'MB0106', path: 'spec.ports.http', why: 'port numbers' },
      { change: set('spec.weight', -1), code: 'MB0106', path: 'spec.weight', why: 'weights are unsigned' },
      {
        change: set('spec.tlsMode', 'istio'),
        code: 'MB0104',
        path: 'spec.tlsMode',
        why: 'tls mode is a label, not a field',
      },
    ],
  },
  {
    kind: 'ServiceEntry',
    valid: k8s('networking.istio.io/v1beta1', 'ServiceEntry', {
      spec: {
        hosts: ['details.bookinfo.svc.cluster.local'],
        ports: [{ number: 9080, name: 'http' }],
        resolution: 'STATIC',
      },
    }),
    invalid: [
      { change: del('spec.hosts'), code: 'MB0102', path: 'spec.hosts', why: 'hosts are required' },
      { change: set('spec.location', 'MESH_NOWHERE'), code: 'MB0105', path: 'spec.location', why: 'locations' },
      {
        change: push('spec.ports', { number: 9080, name: 'http2' }),
        code: 'MB0203',
        path: 'spec.ports[1].number',
        why: 'port numbers are unique',
      },
    ],
  },
  {
    kind: 'DestinationRule',
    valid: k8s('networking.istio.io/v1alpha3', 'DestinationRule', {
      spec: { host: 'details', trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, interval: '10s' } } },
    }),
    invalid: [
      {
        change: set('spec.trafficPolicy.outlierDetection.baseEjectionTime', 30),
        code: 'MB0103',
        path: 'spec.trafficPolicy.outlierDetection.baseEjectionTime',
        why: 'durations are strings',
      },
      {
        change: set('spec.trafficPolicy.loadBalancer', { localityLbSetting: { failover: [{ from: 'a' }] } }),
        code: 'MB0102',
        path: 'spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to',
        why: 'failover needs a target',
      },
      {
        change: set('spec.subsets', [{ name: 'v1' }, { name: 'v1' }]),
        code: 'MB0203',
        path: 'spec.subsets[1].name',
        why: 'subset names are unique',
      },
    ],
  },
  {
    kind: 'IngressGateway',
    valid: k8s('install.tetrate.io/v1alpha1', 'IngressGateway', {
      spec: {
        eastWestOnly: true,
        kubeSpec: { service: { type: 'LoadBalancer', annotations: { a: 'b' } }, deployment: { replicas: 2 } },
      },
    }),
    invalid: [
      { change: set('spec.eastWestOnly', 'yes'), code: 'MB0103', path: 'spec.eastWestOnly', why: 'a boolean' },
      {
        change: set('spec.kubeSpec.overlays', [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', patches: [{ path: 'a..b', value: 1 }] },
        ]),
        code: 'MB0401',
        path: 'spec.kubeSpec.overlays[0].patches[0].path',
        why: 'overlay path syntax',
      },
      {
        change: set('spec.kubeSpec.overlays', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }]),
        code: 'MB0403',
        path: 'spec.kubeSpec.overlays[0]',
        why: 'only the Deployment and Service are generated',
      },
    ],
  },
  {
    kind: 'Organization',
    valid: tsb('Organization', {}),
    invalid: [
      {
        change: set('metadata.organization', 'tetrate'),
        code: 'MB0104',
        path: 'metadata.organization',
        why: 'an organization has no parent',
      },
    ],
  },
  {
    kind: 'Tenant',
    valid: tsb('Tenant', org),
    invalid: [
      {
        change: del('metadata.organization'),
        code: 'MB0102',
        path: 'metadata.organization',
        why: 'a tenant names its organization',
      },
    ],
  },
  {
    kind: 'Workspace',
    valid: tsb('Workspace', ten, { spec: { namespaceSelector: { names: ['*/bookinfo'] } } }),
    invalid: [
      {
        change: del('metadata.tenant'),
        code: 'MB0102',
        path: 'metadata.tenant',
        why: 'a workspace names its tenant',
      },
      {
        change: set('spec.namespaceSelector.names', ['bookinfo']),
        code: 'MB0107',
        path: 'spec.namespaceSelector.names[0]',
        why: 'cluster/namespace patterns',
      },
    ],
  },
  {
    kind: 'WorkspaceSetting',
    valid: tsb(
      'WorkspaceSetting',
      { ...ten, workspace: 'ws' },
      {
        spec: {
          defaultEastWestGatewaySettings: [
            {
              workloadSelector: { namespace: 'bookinfo', labels: { app: 'eastwest-gateway' } },
              exposedServices: [{ serviceLabels: { failover: 'enable' } }],
            },
          ],
        },
      },
    ),
    invalid: [
      {
        change: del('metadata.workspace'),
        code: 'MB0102',
        path: 'metadata.workspace',
        why: 'a setting names its workspace',
      },
      {
        change: del('spec.defaultEastWestGatewaySettings[0].workloadSelector.namespace'),
        code: 'MB0102',
        path: 'spec.defaultEastWestGatewaySettings[0].workloadSelector.namespace',
        why: 'the selector names a namespace',
      },
      {
        change: set('spec.failoverSettings', { failoverPriority: 'app' }),
        code: 'MB0103',
        path: 'spec.failoverSettings.failoverPriority',
        why: 'a list of labels',
      },
    ],
  },
  {
    kind: 'OrganizationSetting',
    valid: tsb('OrganizationSetting', org, {
      spec: { networkSettings: { networkReachability: { 'cluster-1-network': 'cluster-2-network' } } },
    }),
    invalid: [
      {
        change: set('spec.networkSettings.networkReachability["cluster-1-network"]', ['cluster-2-network']),
        code: 'MB0103',
        path: 'spec.networkSettings.networkReachability.cluster-1-network',
        why: 'a comma-separated string',
      },
    ],
  },
  {
    kind: 'Cluster',
    valid: tsb('Cluster', org, { spec: { network: 'n', locality: { region: 'eu-west-2' }, trustDomain: 'c.local' } }),
    invalid: [
      {
        change: set('spec.kubeconfig', { context: 'c' }),
        code: 'MB0102',
        path: 'spec.kubeconfig.path',
        why: 'a kubeconfig has a path',
      },
      { change: del('spec'), code: 'MB0102', path: 'spec', why: 'a cluster has a spec' },
    ],
  },
];

test('every registry kind has a schema and a table here', () => {
  assert.deepEqual(Object.keys(SCHEMAS).sort(), KINDS.map((k) => k.kind).sort());
  assert.deepEqual(TABLES.map((t) => t.kind).sort(), KINDS.map((k) => k.kind).sort());
});

for (const { kind, valid, invalid } of TABLES) {
  test(`${kind}: the valid example is accepted in every served apiVersion`, () => {
    const info = KINDS.find((k) => k.kind === kind)!;
    for (const version of info.versions) {
      const r = validateObject({ ...structuredClone(valid), apiVersion: apiVersionOf(info.group, version) });
      assert.deepEqual(r.errors, []);
      assert.equal(r.ok, true);
      assert.equal(r.value?.kind, kind);
    }
  });
  for (const c of invalid) {
    test(`${kind}: ${c.why} (${c.code} at ${c.path})`, () => {
      const obj = structuredClone(valid);
      c.change(obj);
      const r = validateObject(obj);
      assert.equal(r.ok, false);
      assert.ok(
        r.errors.some((e) => e.code === c.code && e.path === c.path && e.kind === kind),
        JSON.stringify(r.errors),
      );
    });
  }
}

test('every kind refuses an unknown top-level field and a missing metadata.name', () => {
  for (const { kind, valid } of TABLES) {
    const extra = validateObject({ ...structuredClone(valid), extra: 1 });
    assert.ok(
      extra.errors.some((e) => e.code === 'MB0104' && e.path === 'extra'),
      kind,
    );
    const unnamed = structuredClone(valid);
    del('metadata.name')(unnamed);
    assert.ok(
      validateObject(unnamed).errors.some((e) => e.code === 'MB0102' && e.path === 'metadata.name'),
      kind,
    );
  }
});

test('a JSON Schema is exported for every kind, refusing unknown fields', () => {
  for (const { kind } of TABLES) {
    const schema = jsonSchemaFor(kind) as {
      type?: string;
      additionalProperties?: boolean;
      required?: string[];
      properties?: Record<string, { const?: string }>;
    };
    assert.equal(schema.type, 'object', kind);
    assert.equal(schema.additionalProperties, false, kind);
    assert.ok(schema.required?.includes('metadata'), kind);
    assert.equal(schema.properties?.kind?.const, kind);
  }
});

test('defaults are applied as the API server would, and only where absent', () => {
  const svc = validateObject(TABLES.find((t) => t.kind === 'Service')!.valid).value;
  assert.deepEqual(at(svc, 'spec.ports'), [{ port: 9080, name: 'http', protocol: 'TCP', targetPort: 9080 }]);
  assert.equal(at(svc, 'spec.type'), 'ClusterIP');
  const dep = structuredClone(TABLES.find((t) => t.kind === 'Deployment')!.valid);
  set('spec.template.spec.containers[0].image', 'nginx:1.27')(dep);
  const d = validateObject(dep).value;
  assert.equal(at(d, 'spec.replicas'), 1);
  assert.equal(at(d, 'spec.template.spec.containers[0].imagePullPolicy'), 'IfNotPresent');
  assert.equal(at(d, 'spec.template.spec.containers[0].ports[0].protocol'), 'TCP');
  set('spec.replicas', 0)(dep);
  assert.equal(at(validateObject(dep).value, 'spec.replicas'), 0);
  const gw = validateObject({
    apiVersion: 'install.tetrate.io/v1alpha1',
    kind: 'IngressGateway',
    metadata: { name: 'g' },
  });
  assert.equal(at(gw.value, 'spec.kubeSpec.service.type'), 'LoadBalancer');
});

test('explicit nulls read as absent, as Kubernetes reads them', () => {
  const r = validateObject({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'x', creationTimestamp: null, labels: null },
    spec: null,
  });
  assert.deepEqual(r.errors, []);
});

test('validateObject never throws, whatever it is given', () => {
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 10_000; i++) deep = (deep.a = {}) as Record<string, unknown>;
  for (const input of [
    null,
    undefined,
    42,
    'x',
    [],
    [1],
    {},
    { kind: 5 },
    { apiVersion: 'v1', kind: 'Nope' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: root },
  ]) {
    const r = validateObject(input);
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
  }
});
