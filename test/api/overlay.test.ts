import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyOverlays,
  gatewayBaseObjects,
  parseOverlayPath,
  type IngressGateway,
  type Overlay,
} from '../../src/api/index.js';

const gateway: IngressGateway = {
  apiVersion: 'install.tetrate.io/v1alpha1',
  kind: 'IngressGateway',
  metadata: { name: 'eastwest-gateway', namespace: 'bookinfo' },
  spec: { eastWestOnly: true },
};
const { deployment, service } = gatewayBaseObjects(gateway);
const overlay = (kind: string, patches: Overlay['patches']): Overlay => ({
  apiVersion: kind === 'Service' ? 'v1' : 'apps/v1',
  kind,
  name: 'eastwest-gateway',
  patches,
});

test('overlay paths parse into keys and list selectors, in both bracket styles', () => {
  assert.deepEqual(parseOverlayPath('spec.template.metadata.labels.istio-locality'), {
    ok: true,
    steps: ['spec', 'template', 'metadata', 'labels', 'istio-locality'].map((key) => ({ type: 'key', key })),
  });
  const attached = parseOverlayPath('spec.containers[name:proxy].args[2]');
  const separate = parseOverlayPath('spec.containers.[name:proxy].args.[2]');
  assert.deepEqual(attached, separate);
  assert.deepEqual(attached.ok && attached.steps.slice(2), [
    { type: 'match', key: 'name', value: 'proxy' },
    { type: 'key', key: 'args' },
    { type: 'index', index: 2 },
  ]);
  assert.deepEqual(parseOverlayPath('a.[30m]'), {
    ok: true,
    steps: [
      { type: 'key', key: 'a' },
      { type: 'value', pattern: '30m' },
    ],
  });
  assert.deepEqual(parseOverlayPath('a.[:x]'), {
    ok: true,
    steps: [
      { type: 'key', key: 'a' },
      { type: 'value', pattern: 'x' },
    ],
  });
  assert.deepEqual(parseOverlayPath('metadata.annotations.a\\.b\\.c'), {
    ok: true,
    steps: [
      { type: 'key', key: 'metadata' },
      { type: 'key', key: 'annotations' },
      { type: 'key', key: 'a.b.c' },
    ],
  });
  assert.deepEqual(parseOverlayPath('a.[k\\:1:v]'), {
    ok: true,
    steps: [
      { type: 'key', key: 'a' },
      { type: 'match', key: 'k:1', value: 'v' },
    ],
  });
});

test('malformed overlay paths are rejected with the reason', () => {
  for (const [path, why] of [
    ['', 'empty path'],
    ['a..b', 'empty element'],
    ['.a', 'empty element'],
    ['a.', 'ends with'],
    ['a[name:x', 'unclosed ['],
    ['a.[]', 'empty selector'],
    ['a]b', 'unexpected ]'],
  ] as const) {
    const r = parseOverlayPath(path);
    assert.equal(r.ok, false, path);
    assert.ok(!r.ok && r.message.includes(why), `${path}: ${!r.ok ? r.message : ''}`);
  }
});

test("the seed's locality overlay sets the pod label on the gateway's Deployment and leaves the input untouched", () => {
  const before = structuredClone(deployment);
  const r = applyOverlays(deployment, [
    overlay('Deployment', [{ path: 'spec.template.metadata.labels.istio-locality', value: 'eu-remote-1' }]),
  ]);
  assert.ok(r.ok);
  assert.equal(r.matched, 1);
  assert.equal(r.value.spec.template.metadata?.labels?.['istio-locality'], 'eu-remote-1');
  assert.equal(r.value.metadata.labels?.['istio-locality'], undefined, 'the Deployment’s own labels are separate');
  assert.deepEqual(deployment, before);
});

test('list selectors pick elements by key:value, index and value; missing map keys are created', () => {
  const r = applyOverlays(deployment, [
    overlay('Deployment', [
      { path: 'spec.template.spec.containers.[name:istio-proxy].args', value: ['proxy', '--log', 'info'] },
      { path: 'spec.template.spec.containers[name:istio-proxy].args.[info]', value: 'debug' },
      { path: 'spec.template.spec.containers[0].ports[0].containerPort', value: 16443 },
      { path: 'spec.template.spec.nodeSelector.disk', value: 'ssd' },
    ]),
  ]);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  const c = r.value.spec.template.spec.containers[0];
  assert.deepEqual(c?.args, ['proxy', '--log', 'debug']);
  assert.equal(c?.ports?.[0]?.containerPort, 16443);
  assert.deepEqual(r.value.spec.template.spec.nodeSelector, { disk: 'ssd' });
});

test('a value appended to a list, a map merged into a selected element, and deletions without value', () => {
  const r = applyOverlays(service, [
    overlay('Service', [
      { path: 'spec.ports', value: { name: 'status', port: 15021 } },
      { path: 'spec.ports.[name:tls]', value: { nodePort: 31443 } },
      { path: 'metadata.labels.app' },
      { path: 'spec.ports.[name:status]' },
    ]),
  ]);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.issues));
  assert.deepEqual(r.value.spec?.ports, [
    { name: 'tls', port: 15443, targetPort: 15443, protocol: 'TCP', nodePort: 31443 },
  ]);
  assert.deepEqual(r.value.metadata.labels, {});
});

test('overlays for other objects are ignored; a patch that cannot apply is reported with its field path', () => {
  const other = applyOverlays(service, [overlay('Deployment', [{ path: 'spec.x.[name:none]', value: 1 }])]);
  assert.ok(other.ok);
  assert.equal(other.matched, 0);
  const r = applyOverlays(
    deployment,
    [
      overlay('Service', []),
      overlay('Deployment', [
        { path: 'spec.replicas', value: 2 },
        { path: 'spec.template.spec.containers.[name:envoy].image', value: 'x' },
        { path: 'spec.replicas.count', value: 2 },
        { path: 'spec.template.spec.containers.image', value: 'x' },
        { path: 'spec.selector.[app:x]', value: 1 },
        { path: 'spec..x', value: 1 },
      ]),
    ],
    { owner: { kind: 'IngressGateway', name: 'eastwest-gateway' } },
  );
  assert.ok(!r.ok);
  assert.deepEqual(
    r.issues.map((i) => [i.code, i.path, i.kind, i.name]),
    [1, 2, 3, 4, 5].map((p) => [
      p === 5 ? 'MB0401' : 'MB0302',
      `spec.kubeSpec.overlays[1].patches[${p}].path`,
      'IngressGateway',
      'eastwest-gateway',
    ]),
  );
  assert.match(r.issues[0]!.message, /no element with name=envoy/);
  assert.match(r.issues[1]!.message, /spec\.replicas is a number \(2\)/);
  assert.match(r.issues[2]!.message, /is a list/);
  assert.match(r.issues[3]!.message, /is a mapping, not a list/);
});

test('the gateway generates a LoadBalancer Service on 15443 and pods labelled app=<name>', () => {
  assert.equal(service.spec?.type, 'LoadBalancer');
  assert.deepEqual(
    service.spec?.ports?.map((p) => p.port),
    [15443],
  );
  assert.deepEqual(service.spec?.selector, { app: 'eastwest-gateway' });
  assert.equal(deployment.spec.template.metadata?.labels?.app, 'eastwest-gateway');
  const ingress = gatewayBaseObjects({
    ...gateway,
    spec: { eastWestOnly: false, kubeSpec: { service: { type: 'NodePort' }, deployment: { replicas: 3 } } },
  });
  assert.equal(ingress.service.spec?.type, 'NodePort');
  assert.ok((ingress.service.spec?.ports?.length ?? 0) > 1);
  assert.equal(ingress.deployment.spec.replicas, 3);
});
