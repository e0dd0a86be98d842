/**
 * fast-check generators of valid Kubernetes objects (Namespace, Service, ServiceAccount, Deployment, ReplicaSet, Pod,
 * Endpoints, EndpointSlice, Lease, Event, Node).
 */
import fc from 'fast-check';

/** A DNS-1123 label. */
export const dnsName = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const labelKey = fc.oneof(dnsName, fc.constantFrom('app', 'version', 'app.kubernetes.io/name', 'istio-locality'));
const labelValue = fc.oneof(dnsName, fc.constantFrom('v1', 'v2', 'eu-west-1', '1.10', 'true', ''));
/** A label map (string values only). */
export const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 4 });
const port = fc.integer({ min: 1, max: 65535 });
const ip = fc
  .tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 0, max: 255 }))
  .map(([a, b]) => `127.${a}.0.${b}`);

const meta = (namespaced: boolean) =>
  fc.record(
    {
      name: dnsName,
      namespace: namespaced ? dnsName : fc.constant(undefined),
      labels,
      annotations: fc.dictionary(labelKey, fc.string({ maxLength: 20 }), { maxKeys: 2 }),
      uid: fc.uuid(),
      resourceVersion: fc.integer({ min: 1 }).map(String),
    },
    { requiredKeys: ['name'] },
  );

const container = (name: string) =>
  fc.record(
    {
      name: fc.constant(name),
      image: fc.constantFrom('docker.io/istio/examples-bookinfo-details-v1:1.20.1', 'curlimages/curl:8.16.0', 'nginx'),
      imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
      ports: fc.uniqueArray(port, { maxLength: 3 }).map((ps) => ps.map((containerPort) => ({ containerPort }))),
      env: fc.array(
        fc.record({ name: fc.constantFrom('LOG_DIR', 'PORT', 'MODE'), value: fc.string({ maxLength: 10 }) }),
        { maxLength: 2 },
      ),
      resources: fc.record({
        requests: fc.record({ cpu: fc.constantFrom('100m', '1', 2), memory: fc.constantFrom('64Mi', '1Gi') }),
      }),
      readinessProbe: fc.record({
        httpGet: fc.record({ path: fc.constant('/health'), port }),
        periodSeconds: fc.integer({ min: 1, max: 60 }),
      }),
      command: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
    },
    { requiredKeys: ['name', 'image'] },
  );

const podSpec = fc.uniqueArray(dnsName, { minLength: 1, maxLength: 3 }).chain((names) =>
  fc.record(
    {
      containers: fc.tuple(...names.map(container)),
      serviceAccountName: dnsName,
      terminationGracePeriodSeconds: fc.integer({ min: 0, max: 300 }),
      nodeSelector: labels,
      restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
    },
    { requiredKeys: ['containers'] },
  ),
);

/** Generators by kind. */
export const k8sKinds = {
  Namespace: fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata: meta(false) }),
  ServiceAccount: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('ServiceAccount'),
    metadata: meta(true),
    automountServiceAccountToken: fc.boolean(),
  }),
  Service: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Service'),
    metadata: meta(true),
    spec: fc.record(
      {
        type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer'),
        selector: labels,
        ports: fc
          .uniqueArray(port, { minLength: 1, maxLength: 3 })
          .map((ps) => ps.map((p, i) => ({ name: `p${i}`, port: p, targetPort: i % 2 === 0 ? p : `p${i}` }))),
      },
      { requiredKeys: [] },
    ),
  }),
  Deployment: fc
    .tuple(
      meta(true),
      fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }),
      podSpec,
      fc.integer({ min: 0, max: 10 }),
    )
    .map(([metadata, l, spec, replicas]) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: { replicas, selector: { matchLabels: l }, template: { metadata: { labels: l }, spec } },
    })),
  Pod: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: meta(true),
    spec: podSpec,
    status: fc.record({ phase: fc.constantFrom('Pending', 'Running', 'Failed'), podIP: ip }, { requiredKeys: [] }),
  }),
  Endpoints: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Endpoints'),
    metadata: meta(true),
    subsets: fc.array(
      fc.record({
        addresses: fc.array(fc.record({ ip }), { maxLength: 3 }),
        ports: fc.array(fc.record({ name: dnsName, port }), { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
  }),
  Node: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Node'),
    metadata: meta(false),
    status: fc.record({
      capacity: fc.record({ cpu: fc.constantFrom('2', '4'), memory: fc.constantFrom('8Gi', '16Gi') }),
      addresses: fc.array(fc.record({ type: fc.constant('InternalIP'), address: ip }), { maxLength: 2 }),
    }),
  }),
  ReplicaSet: fc
    .tuple(meta(true), fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 3 }), podSpec, fc.nat(10))
    .map(([metadata, l, spec, replicas]) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata,
      spec: { replicas, selector: { matchLabels: l }, template: { metadata: { labels: l }, spec } },
      status: { replicas, readyReplicas: 0 },
    })),
  EndpointSlice: fc.record({
    apiVersion: fc.constant('discovery.k8s.io/v1'),
    kind: fc.constant('EndpointSlice'),
    metadata: meta(true),
    addressType: fc.constant('IPv4'),
    endpoints: fc.array(
      fc.record({ addresses: fc.tuple(ip), conditions: fc.record({ ready: fc.boolean(), serving: fc.boolean() }) }),
      { maxLength: 3 },
    ),
    ports: fc.array(fc.record({ name: dnsName, port, protocol: fc.constant('TCP') }), { maxLength: 2 }),
  }),
  Lease: fc.record({
    apiVersion: fc.constant('coordination.k8s.io/v1'),
    kind: fc.constant('Lease'),
    metadata: meta(true),
    spec: fc.record({
      holderIdentity: dnsName,
      leaseDurationSeconds: fc.integer({ min: 1, max: 60 }),
      renewTime: fc.constant('2026-01-01T00:00:00.000000Z'),
      leaseTransitions: fc.nat(100),
    }),
  }),
  Event: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Event'),
    metadata: meta(true),
    involvedObject: fc.record({ kind: fc.constantFrom('Pod', 'Deployment'), name: dnsName, namespace: dnsName }),
    reason: fc.constantFrom('Scheduled', 'Started', 'Killing', 'BackOff', 'Unhealthy'),
    message: fc.string({ maxLength: 40 }),
    type: fc.constantFrom('Normal', 'Warning'),
    count: fc.integer({ min: 1, max: 100 }),
    firstTimestamp: fc.constant('2026-01-01T00:00:00Z'),
    lastTimestamp: fc.constant('2026-01-01T00:01:00Z'),
  }),
};
