/** Per-kind tables for the configuration and access kinds: ConfigMap, Secret, the RBAC kinds, CustomResourceDefinition. */
import { del, k8s, set, type Table } from './kind-helpers.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const cluster = (o: ReturnType<typeof k8s>) => ({ ...o, metadata: { name: 'system:meshbridge-federation' } });
const readPods = { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] };
const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'meshbridge-federation' };
const sa = { kind: 'ServiceAccount', name: 'meshbridge-federation', namespace: 'meshbridge' };

export const CONFIG_TABLES: Table[] = [
  {
    kind: 'PersistentVolumeClaim',
    valid: k8s('v1', 'PersistentVolumeClaim', {
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }),
    invalid: [
      {
        change: set('spec.accessModes', []),
        code: 'MB0106',
        path: 'spec.accessModes',
        why: 'at least one access mode',
      },
      {
        change: set('spec.accessModes', ['ReadWriteSometimes']),
        code: 'MB0105',
        path: 'spec.accessModes[0]',
        why: 'access modes are an enum',
      },
      {
        change: set('spec.resources.requests.storage', 'lots'),
        code: 'MB0107',
        path: 'spec.resources.requests.storage',
        why: 'storage is a quantity',
      },
      { change: del('spec'), code: 'MB0102', path: 'spec', why: 'a claim says what it asks for' },
    ],
  },
  {
    kind: 'PodDisruptionBudget',
    valid: k8s('policy/v1', 'PodDisruptionBudget', {
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'meshbridge' } } },
    }),
    invalid: [
      {
        change: set('spec.minAvailable', 1),
        code: 'MB0105',
        path: 'spec',
        why: 'minAvailable and maxUnavailable are exclusive',
      },
      {
        change: set('spec.selector.matchLabels', { app: 7 }),
        code: 'MB0103',
        path: 'spec.selector.matchLabels.app',
        why: 'label values are strings',
      },
    ],
  },
  {
    kind: 'ConfigMap',
    valid: k8s('v1', 'ConfigMap', { data: { 'app.yaml': 'a: 1', '.env': 'X=1' }, binaryData: { logo: 'AAEC' } }),
    invalid: [
      { change: set('data', { 'a/b': 'x' }), code: 'MB0107', path: 'data["a/b"]', why: 'data keys have no slash' },
      {
        change: set('binaryData', { logo: 'not base64!' }),
        code: 'MB0107',
        path: 'binaryData.logo',
        why: 'binaryData is base64',
      },
      {
        change: set('binaryData', { 'app.yaml': 'AAEC' }),
        code: 'MB0105',
        path: 'binaryData["app.yaml"]',
        why: 'a key is in data or in binaryData, not both',
      },
      {
        change: set('data', { big: 'x'.repeat(1024 * 1024 + 1) }),
        code: 'MB0106',
        path: 'data',
        why: 'one object holds at most 1 MiB of data',
      },
      {
        change: set('metadata.name', 'My_Config'),
        code: 'MB0107',
        path: 'metadata.name',
        why: 'names are DNS subdomains',
      },
    ],
  },
  {
    kind: 'Secret',
    valid: k8s('v1', 'Secret', {
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
      stringData: { extra: 'plain text' },
    }),
    invalid: [
      { change: set('data', { token: 'plain text' }), code: 'MB0107', path: 'data.token', why: 'data is base64' },
      {
        change: set('stringData', { big: 'x'.repeat(1024 * 1024) }),
        code: 'MB0106',
        path: 'stringData',
        why: 'data and stringData together hold at most 1 MiB',
      },
      { change: set('type', 'bad type'), code: 'MB0107', path: 'type', why: 'a type is a name such as Opaque' },
    ],
  },
  {
    kind: 'Role',
    valid: k8s(RBAC, 'Role', { rules: [readPods] }),
    invalid: [
      { change: set('rules[0].verbs', []), code: 'MB0106', path: 'rules[0].verbs', why: 'a rule grants some verb' },
      {
        change: set('rules[0]', { resources: ['pods'], verbs: ['get'] }),
        code: 'MB0105',
        path: 'rules[0].apiGroups',
        why: 'resources need their API groups',
      },
      { change: set('metadata.name', 'a/b'), code: 'MB0107', path: 'metadata.name', why: 'RBAC names have no slash' },
    ],
  },
  {
    kind: 'ClusterRole',
    valid: cluster(k8s(RBAC, 'ClusterRole', { rules: [readPods, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] })),
    invalid: [
      {
        change: set('rules[0].nonResourceURLs', ['/metrics']),
        code: 'MB0105',
        path: 'rules[0].nonResourceURLs',
        why: 'a rule names resources or URLs, not both',
      },
    ],
  },
  {
    kind: 'RoleBinding',
    valid: k8s(RBAC, 'RoleBinding', { roleRef, subjects: [sa] }),
    invalid: [
      { change: set('roleRef.kind', 'Pod'), code: 'MB0105', path: 'roleRef.kind', why: 'a binding refers to a role' },
      {
        change: set('subjects[0]', { kind: 'ServiceAccount', name: 'x' }),
        code: 'MB0105',
        path: 'subjects[0].namespace',
        why: 'a service account subject names its namespace',
      },
      { change: del('roleRef'), code: 'MB0102', path: 'roleRef', why: 'a binding has a roleRef' },
    ],
  },
  {
    kind: 'ClusterRoleBinding',
    valid: cluster(k8s(RBAC, 'ClusterRoleBinding', { roleRef, subjects: [sa, { kind: 'Group', name: 'ops' }] })),
    invalid: [
      {
        change: set('roleRef.kind', 'Role'),
        code: 'MB0105',
        path: 'roleRef.kind',
        why: 'a cluster binding grants a ClusterRole',
      },
    ],
  },
  {
    kind: 'CustomResourceDefinition',
    valid: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: ['wd'] },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } },
            subresources: { status: {} },
          },
        ],
      },
    },
    invalid: [
      {
        change: set('metadata.name', 'widgets.other.com'),
        code: 'MB0105',
        path: 'metadata.name',
        why: 'the name is <plural>.<group>',
      },
      {
        change: set('spec.versions[0].storage', false),
        code: 'MB0105',
        path: 'spec.versions',
        why: 'exactly one storage version',
      },
      { change: set('spec.scope', 'Global'), code: 'MB0105', path: 'spec.scope', why: 'Namespaced or Cluster' },
      {
        change: set('spec.versions[0].schema.openAPIV3Schema.description', 'x'.repeat(1536 * 1024)),
        code: 'MB0106',
        path: 'spec',
        why: 'a CRD is at most 1.5 MiB',
      },
      {
        change: set('spec.names.kind', 'my-widget'),
        code: 'MB0107',
        path: 'spec.names.kind',
        why: 'a kind is letters and digits',
      },
    ],
  },
];
