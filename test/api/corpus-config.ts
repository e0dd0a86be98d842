/** fast-check generators of valid ConfigMaps, Secrets, RBAC objects and CustomResourceDefinitions. */
import fc from 'fast-check';
import { dnsName, labels } from './corpus-k8s.js';

const dataKey = fc.stringMatching(/^[-._a-zA-Z0-9]{1,20}$/).filter((k) => k !== '.' && k !== '..');
const base64 = fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('base64'));
const meta = (namespaced: boolean) =>
  fc.record({ name: dnsName, labels, ...(namespaced ? { namespace: dnsName } : {}) });
const rule = fc.record({
  apiGroups: fc.constantFrom([''], ['apps'], ['networking.istio.io']),
  resources: fc.constantFrom(['pods'], ['services', 'endpoints'], ['workloadentries']),
  verbs: fc.subarray(['get', 'list', 'watch', 'create', 'update', 'delete'], { minLength: 1 }),
});
const subject = fc.oneof(
  fc.record({ kind: fc.constant('ServiceAccount'), name: dnsName, namespace: dnsName }),
  fc.record({
    kind: fc.constantFrom('User', 'Group'),
    name: dnsName,
    apiGroup: fc.constant('rbac.authorization.k8s.io'),
  }),
);
const roleRef = (kind: fc.Arbitrary<string>) =>
  fc.record({ apiGroup: fc.constant('rbac.authorization.k8s.io'), kind, name: dnsName });

export const configKinds: Record<string, fc.Arbitrary<unknown>> = {
  ConfigMap: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('ConfigMap'),
    metadata: meta(true),
    data: fc.dictionary(dataKey, fc.string({ maxLength: 40 }), { maxKeys: 3 }),
  }),
  Secret: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Secret'),
    metadata: meta(true),
    type: fc.constantFrom('Opaque', 'kubernetes.io/tls', 'kubernetes.io/service-account-token'),
    data: fc.dictionary(dataKey, base64, { maxKeys: 3 }),
  }),
  Role: fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constant('Role'),
    metadata: meta(true),
    rules: fc.array(rule, { maxLength: 3 }),
  }),
  ClusterRole: fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constant('ClusterRole'),
    metadata: meta(false),
    rules: fc.array(rule, { maxLength: 3 }),
  }),
  RoleBinding: fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constant('RoleBinding'),
    metadata: meta(true),
    subjects: fc.array(subject, { maxLength: 3 }),
    roleRef: roleRef(fc.constantFrom('Role', 'ClusterRole')),
  }),
  ClusterRoleBinding: fc.record({
    apiVersion: fc.constant('rbac.authorization.k8s.io/v1'),
    kind: fc.constant('ClusterRoleBinding'),
    metadata: meta(false),
    subjects: fc.array(subject, { maxLength: 3 }),
    roleRef: roleRef(fc.constant('ClusterRole')),
  }),
  PersistentVolumeClaim: fc.record({
    apiVersion: fc.constant('v1'),
    kind: fc.constant('PersistentVolumeClaim'),
    metadata: meta(true),
    spec: fc.record({
      accessModes: fc.subarray(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] as const, { minLength: 1 }),
      resources: fc.record({ requests: fc.record({ storage: fc.constantFrom('1Gi', '500Mi', '10Gi') }) }),
    }),
  }),
  PodDisruptionBudget: fc.record({
    apiVersion: fc.constant('policy/v1'),
    kind: fc.constant('PodDisruptionBudget'),
    metadata: meta(true),
    spec: fc.oneof(
      fc.record({
        maxUnavailable: fc.oneof(fc.nat({ max: 3 }), fc.constant('25%')),
        selector: fc.record({ matchLabels: labels }),
      }),
      fc.record({ minAvailable: fc.nat({ max: 3 }), selector: fc.record({ matchLabels: labels }) }),
    ),
  }),
  CustomResourceDefinition: fc
    .record({
      plural: dnsName,
      group: fc.constantFrom('example.com', 'widgets.example.io'),
      kind: fc.stringMatching(/^[A-Z][a-zA-Z0-9]{0,12}$/),
    })
    .map(({ plural, group, kind }) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}` },
      spec: {
        group,
        names: { plural, kind },
        scope: 'Namespaced',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    })),
};
