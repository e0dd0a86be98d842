/** fast-check generators of valid Istio, install and management-plane objects. */
import fc from 'fast-check';
import { dnsName, labels } from './corpus-k8s.js';

const port = fc.integer({ min: 1, max: 65535 });
const duration = fc.constantFrom('10s', '30s', '1m', '100ms', '1h30m', '0.5s');
const istioVersion = fc.constantFrom(
  'networking.istio.io/v1',
  'networking.istio.io/v1beta1',
  'networking.istio.io/v1alpha3',
);
const k8sMeta = fc.record({ name: dnsName, namespace: dnsName, labels }, { requiredKeys: ['name'] });
const tsb = 'api.tsb.tetrate.io/v2';
const workloadEntrySpec = fc.record(
  {
    address: fc.integer({ min: 1, max: 250 }).map((n) => `127.2.200.${n}`),
    ports: fc.dictionary(dnsName, port, { maxKeys: 3 }),
    labels,
    locality: fc.constantFrom('eu-west-1', 'eu-west-1/eu-west-1a', 'r/z/sz'),
    weight: fc.integer({ min: 0, max: 100 }),
    serviceAccount: dnsName,
  },
  { requiredKeys: ['address'] },
);

/** Generators by kind. */
export const meshKinds = {
  WorkloadEntry: fc.record({
    apiVersion: istioVersion,
    kind: fc.constant('WorkloadEntry'),
    metadata: k8sMeta,
    spec: workloadEntrySpec,
  }),
  ServiceEntry: fc.record({
    apiVersion: istioVersion,
    kind: fc.constant('ServiceEntry'),
    metadata: k8sMeta,
    spec: fc.record(
      {
        hosts: fc.array(
          dnsName.map((n) => `${n}.bookinfo.svc.cluster.local`),
          { minLength: 1, maxLength: 2 },
        ),
        location: fc.constantFrom('MESH_EXTERNAL', 'MESH_INTERNAL'),
        resolution: fc.constantFrom('NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'),
        ports: fc
          .uniqueArray(port, { maxLength: 3 })
          .map((ps) => ps.map((number, i) => ({ number, name: `port-${i}`, protocol: 'HTTP' }))),
        endpoints: fc.array(workloadEntrySpec, { maxLength: 2 }),
        exportTo: fc.constantFrom(['*'], ['.']),
      },
      { requiredKeys: ['hosts'] },
    ),
  }),
  Gateway: fc.record({
    apiVersion: istioVersion,
    kind: fc.constant('Gateway'),
    metadata: k8sMeta,
    spec: fc.record({
      selector: labels,
      servers: fc.array(
        fc.record({
          port: fc.record({ number: port, protocol: fc.constantFrom('TLS', 'HTTPS', 'HTTP'), name: dnsName }),
          hosts: fc.array(
            dnsName.map((n) => `${n}.bookinfo.svc.cluster.local`),
            { minLength: 1, maxLength: 3 },
          ),
          tls: fc.record({ mode: fc.constantFrom('AUTO_PASSTHROUGH', 'PASSTHROUGH', 'ISTIO_MUTUAL') }),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    }),
  }),
  AuthorizationPolicy: fc.record({
    apiVersion: fc.constantFrom('security.istio.io/v1', 'security.istio.io/v1beta1'),
    kind: fc.constant('AuthorizationPolicy'),
    metadata: k8sMeta,
    spec: fc.record({
      action: fc.constantFrom('ALLOW', 'DENY'),
      rules: fc.array(
        fc.record({
          from: fc.array(
            fc.record({
              source: fc.record({
                notPrincipals: fc.array(
                  dnsName.map((n) => `${n}.local/*`),
                  { minLength: 1, maxLength: 3 },
                ),
              }),
            }),
            { minLength: 1, maxLength: 2 },
          ),
        }),
        { maxLength: 2 },
      ),
    }),
  }),
  DestinationRule: fc.record({
    apiVersion: istioVersion,
    kind: fc.constant('DestinationRule'),
    metadata: k8sMeta,
    spec: fc.record(
      {
        host: dnsName.map((n) => `${n}.bookinfo.svc.cluster.local`),
        trafficPolicy: fc.record({
          loadBalancer: fc.record({
            simple: fc.constantFrom('ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM'),
            localityLbSetting: fc.record({
              enabled: fc.boolean(),
              failover: fc.constant([{ from: 'eu-west-2', to: 'eu-west-1' }]),
            }),
          }),
          outlierDetection: fc.record({
            consecutive5xxErrors: fc.integer({ min: 0, max: 100 }),
            interval: duration,
            baseEjectionTime: duration,
            maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
          }),
          connectionPool: fc.record({
            tcp: fc.record({ maxConnections: fc.integer({ min: 1, max: 1000 }), connectTimeout: duration }),
          }),
        }),
        subsets: fc
          .uniqueArray(dnsName, { maxLength: 3 })
          .map((ns) => ns.map((name) => ({ name, labels: { version: name } }))),
      },
      { requiredKeys: ['host'] },
    ),
  }),
  IngressGateway: fc.record({
    apiVersion: fc.constant('install.tetrate.io/v1alpha1'),
    kind: fc.constant('IngressGateway'),
    metadata: fc.record({ name: dnsName, namespace: dnsName }),
    spec: fc.record(
      {
        eastWestOnly: fc.boolean(),
        kubeSpec: fc.record(
          {
            service: fc.record(
              { type: fc.constantFrom('LoadBalancer', 'NodePort'), annotations: labels },
              { requiredKeys: [] },
            ),
            deployment: fc.record(
              { replicas: fc.integer({ min: 0, max: 5 }), podAnnotations: labels },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
  }),
  Organization: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('Organization'),
    metadata: fc.record({ name: dnsName }),
  }),
  Tenant: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('Tenant'),
    metadata: fc.record({ organization: dnsName, name: dnsName }),
    spec: fc.record({ displayName: fc.string({ maxLength: 20 }) }),
  }),
  Workspace: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('Workspace'),
    metadata: fc.record({ organization: dnsName, tenant: dnsName, name: dnsName }),
    spec: fc.record({
      namespaceSelector: fc.record({
        names: fc.array(fc.constantFrom('*/bookinfo', 'cluster-1/*', '*/*', 'c1/ns*'), { minLength: 1, maxLength: 3 }),
      }),
    }),
  }),
  WorkspaceSetting: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('WorkspaceSetting'),
    metadata: fc.record({ organization: dnsName, tenant: dnsName, workspace: dnsName, name: dnsName }),
    spec: fc.record({
      defaultEastWestGatewaySettings: fc.array(
        fc.record({
          workloadSelector: fc.record({ namespace: dnsName, labels }),
          exposedServices: fc.array(fc.record({ serviceLabels: labels }), { minLength: 1, maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
      failoverSettings: fc.record({
        failoverPriority: fc.array(fc.constantFrom('topology.istio.io/network', 'app'), { maxLength: 2 }),
      }),
    }),
  }),
  FailoverPolicy: fc.record({
    apiVersion: fc.constant('failover.meshbridge.io/v1alpha1'),
    kind: fc.constant('FailoverPolicy'),
    metadata: fc.record({ organization: dnsName, tenant: dnsName, workspace: dnsName, name: dnsName }),
    spec: fc.record(
      {
        service: fc.tuple(dnsName, dnsName).map(([ns, name]) => `${ns}/${name}`),
        minHealthyPercent: fc.integer({ min: 1, max: 100 }),
        failbackDelay: fc.constantFrom('0s', '500ms', '30s', '1m', '1h'),
        failbackRamp: fc.constantFrom('0s', '10s', '1.5s', '5m'),
        failoverPriority: fc.array(fc.constantFrom('topology.istio.io/network', 'app'), { maxLength: 2 }),
      },
      { requiredKeys: ['service'] },
    ),
  }),
  FailoverDrill: fc.record({
    apiVersion: fc.constant('failover.meshbridge.io/v1alpha1'),
    kind: fc.constant('FailoverDrill'),
    metadata: fc.record({ organization: dnsName, tenant: dnsName, workspace: dnsName, name: dnsName }),
    spec: fc.oneof(
      fc.record({
        service: fc.tuple(dnsName, dnsName).map(([ns, name]) => `${ns}/${name}`),
        cluster: dnsName,
        duration: fc.constantFrom('1s', '90s', '1m30s', '24h'),
        schedule: fc.constantFrom('0 3 * * 1', '*/15 * * * *', '@daily'),
      }),
      fc.record({
        service: fc.tuple(dnsName, dnsName).map(([ns, name]) => `${ns}/${name}`),
        cluster: dnsName,
        duration: fc.constantFrom('5s', '2m'),
        startAt: fc.constantFrom('2026-12-06T03:00:00Z', '2027-01-01T00:00:00.5+01:00'),
        suspend: fc.boolean(),
      }),
    ),
  }),
  OrganizationSetting: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('OrganizationSetting'),
    metadata: fc.record({ organization: dnsName, name: dnsName }),
    spec: fc.record({
      networkSettings: fc.record({
        networkReachability: fc.dictionary(
          dnsName,
          fc.array(dnsName, { minLength: 1, maxLength: 3 }).map((ns) => ns.join(',')),
          { maxKeys: 3 },
        ),
      }),
    }),
  }),
  Cluster: fc.record({
    apiVersion: fc.constant(tsb),
    kind: fc.constant('Cluster'),
    metadata: fc.record({ organization: dnsName, name: dnsName }),
    spec: fc.record(
      {
        network: dnsName.map((n) => `${n}-network`),
        locality: fc.record(
          { region: fc.constantFrom('eu-west-1', 'eu-west-2'), zone: fc.constantFrom('eu-west-1a', 'eu-west-2b') },
          { requiredKeys: ['region'] },
        ),
        trustDomain: dnsName.map((n) => `${n}.local`),
        kubeconfig: fc.record({ path: fc.constant('.meshbridge/kubeconfig'), context: dnsName }),
      },
      { requiredKeys: [] },
    ),
  }),
};
