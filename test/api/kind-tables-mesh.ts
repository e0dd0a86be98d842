/** Per-kind tables for the Istio, install and management-plane kinds. */
import { k8s, org, ten, tsb, set, del, push, type Table } from './kind-helpers.js';

/** One table per kind: a valid object and changes that must each produce the stated code at the stated path. */
export const MESH_TABLES: Table[] = [
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
    kind: 'Gateway',
    valid: k8s('networking.istio.io/v1', 'Gateway', {
      spec: {
        selector: { app: 'eastwest-gateway' },
        servers: [
          {
            port: { number: 15443, protocol: 'TLS', name: 'tls' },
            hosts: ['details.bookinfo.svc.cluster.local'],
            tls: { mode: 'AUTO_PASSTHROUGH' },
          },
        ],
      },
    }),
    invalid: [
      {
        change: set('spec.servers[0].hosts', []),
        code: 'MB0106',
        path: 'spec.servers[0].hosts',
        why: 'a server has hosts',
      },
      {
        change: set('spec.servers[0].tls.mode', 'PASSTHROUGH_ALL'),
        code: 'MB0105',
        path: 'spec.servers[0].tls.mode',
        why: 'tls modes',
      },
      {
        change: set('spec.servers[0].port.number', 0),
        code: 'MB0106',
        path: 'spec.servers[0].port.number',
        why: 'port numbers',
      },
    ],
  },
  {
    kind: 'AuthorizationPolicy',
    valid: k8s('security.istio.io/v1', 'AuthorizationPolicy', {
      spec: { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster-1.local/*'] } }] }] },
    }),
    invalid: [
      { change: set('spec.action', 'REJECT'), code: 'MB0105', path: 'spec.action', why: 'actions are an enum' },
      {
        change: set('spec.rules', [{ from: [{ source: { notPrincipals: 'cluster-1.local/*' } }] }]),
        code: 'MB0103',
        path: 'spec.rules[0].from[0].source.notPrincipals',
        why: 'principals are a list',
      },
      {
        change: set('spec.rules', [{ when: [] }]),
        code: 'MB0104',
        path: 'spec.rules[0].when',
        why: 'unsupported field',
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
    kind: 'FailoverPolicy',
    valid: {
      ...tsb(
        'FailoverPolicy',
        { ...ten, workspace: 'ws' },
        {
          spec: {
            service: 'bookinfo/details',
            minHealthyPercent: 80,
            failbackDelay: '30s',
            failbackRamp: '1m',
            failoverPriority: ['topology.istio.io/network'],
            failoverOrder: ['cluster=cluster-3', 'locality=eu-west-1/eu-west-1a'],
          },
        },
      ),
      apiVersion: 'failover.meshbridge.io/v1alpha1',
    },
    invalid: [
      {
        change: set('spec.service', 'details'),
        code: 'MB0107',
        path: 'spec.service',
        why: 'a service is namespace/name',
      },
      {
        change: set('spec.minHealthyPercent', 0),
        code: 'MB0105',
        path: 'spec.minHealthyPercent',
        why: 'a percentage from 1 to 100',
      },
      {
        change: set('spec.failbackDelay', '2h'),
        code: 'MB0105',
        path: 'spec.failbackDelay',
        why: 'at most an hour',
      },
      {
        change: set('spec.failoverOrder', ['cluster-3']),
        code: 'MB0105',
        path: 'spec.failoverOrder[0]',
        why: 'an entry is cluster=NAME or locality=...',
      },
      {
        change: set('spec.failbackRamp', 'soon'),
        code: 'MB0105',
        path: 'spec.failbackRamp',
        why: 'a duration',
      },
      {
        change: del('metadata.workspace'),
        code: 'MB0102',
        path: 'metadata.workspace',
        why: 'a policy names its workspace',
      },
    ],
  },
  {
    kind: 'FailoverDrill',
    valid: {
      ...tsb(
        'FailoverDrill',
        { ...ten, workspace: 'ws' },
        { spec: { service: 'bookinfo/details', cluster: 'cluster-1', duration: '1m30s', schedule: '0 3 * * 1' } },
      ),
      apiVersion: 'failover.meshbridge.io/v1alpha1',
    },
    invalid: [
      {
        change: set('spec.schedule', '0 3 * *'),
        code: 'MB0105',
        path: 'spec.schedule',
        why: 'five cron fields',
      },
      {
        change: set('spec.schedule', '* * * * * *'),
        code: 'MB0105',
        path: 'spec.schedule',
        why: 'no seconds field: a drill every second is no rehearsal',
      },
      {
        change: set('spec.schedule', '61 3 * * 1'),
        code: 'MB0105',
        path: 'spec.schedule',
        why: 'minutes go to 59',
      },
      {
        change: set('spec.duration', '25h'),
        code: 'MB0105',
        path: 'spec.duration',
        why: 'a day at most',
      },
      {
        change: set('spec.startAt', '2026-12-06T03:00:00Z'),
        code: 'MB0105',
        path: 'spec.schedule',
        why: 'a schedule or one start, not both',
      },
      {
        change: set('spec.cluster', 'Cluster 1'),
        code: 'MB0107',
        path: 'spec.cluster',
        why: 'a cluster name',
      },
      {
        change: del('spec.duration'),
        code: 'MB0102',
        path: 'spec.duration',
        why: 'a drill says how long it lasts',
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
