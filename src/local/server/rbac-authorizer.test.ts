import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, forbiddenMessage, type RbacObject, type RbacPolicy } from './rbac-authorizer.js';
import { requestAttributes } from './request-attributes.js';
import { ADMIN_USER, serviceAccountUserInfo, type UserInfo } from './user-info.js';

const RBAC = 'rbac.authorization.k8s.io';
const role = (kind: 'Role' | 'ClusterRole', name: string, rules: unknown[], namespace?: string): RbacObject => ({
  apiVersion: `${RBAC}/v1`,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  rules,
});
const binding = (
  kind: 'RoleBinding' | 'ClusterRoleBinding',
  name: string,
  ref: { kind: string; name: string },
  subjects: unknown[],
  namespace?: string,
): RbacObject => ({
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: RBAC, ...ref },
  subjects,
});

const fed = serviceAccountUserInfo('meshbridge', 'meshbridge-federation');
const reader = serviceAccountUserInfo('apps', 'reader');
const alice: UserInfo = { user: 'alice', groups: ['devs', 'system:authenticated'] };
const fedSubject = { kind: 'ServiceAccount', name: 'meshbridge-federation', namespace: 'meshbridge' };

/** A policy shaped like `meshbridge install remote`'s, plus namespaced grants to try confinement on. */
const policy: RbacPolicy = {
  clusterRoles: [
    role('ClusterRole', 'meshbridge-federation', [
      { apiGroups: [''], resources: ['namespaces', 'pods', 'services'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['networking.istio.io'], resources: ['workloadentries'], verbs: ['create', 'update', 'delete'] },
      {
        apiGroups: [''],
        resources: ['namespaces'],
        resourceNames: ['meshbridge-multicluster'],
        verbs: ['update', 'delete'],
      },
    ]),
    role('ClusterRole', 'secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
    role('ClusterRole', 'everything', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
    role('ClusterRole', 'status-writer', [{ apiGroups: ['*'], resources: ['*/status'], verbs: ['patch'] }]),
    role('ClusterRole', 'metrics', [{ nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] }]),
  ],
  clusterRoleBindings: [
    binding('ClusterRoleBinding', 'fed', { kind: 'ClusterRole', name: 'meshbridge-federation' }, [fedSubject]),
    binding('ClusterRoleBinding', 'devs-metrics', { kind: 'ClusterRole', name: 'metrics' }, [
      { kind: 'Group', name: 'devs' },
    ]),
    binding('ClusterRoleBinding', 'no-ns', { kind: 'ClusterRole', name: 'everything' }, [
      { kind: 'ServiceAccount', name: 'reader' }, // no namespace: matches nobody
    ]),
  ],
  roles: [
    role(
      'Role',
      'leases',
      [
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['get', 'update'],
          resourceNames: ['lock'],
        },
      ],
      'apps',
    ),
    role('Role', 'exec', [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }], 'apps'),
  ],
  roleBindings: [
    binding(
      'RoleBinding',
      'read-secrets',
      { kind: 'ClusterRole', name: 'secret-reader' },
      [{ kind: 'ServiceAccount', name: 'reader', namespace: 'apps' }],
      'apps',
    ),
    binding(
      'RoleBinding',
      'leases',
      { kind: 'Role', name: 'leases' },
      [{ kind: 'ServiceAccount', name: 'reader', namespace: 'apps' }],
      'apps',
    ),
    binding('RoleBinding', 'exec', { kind: 'Role', name: 'exec' }, [{ kind: 'User', name: 'alice' }], 'apps'),
    binding(
      'RoleBinding',
      'status',
      { kind: 'ClusterRole', name: 'status-writer' },
      [{ kind: 'Group', name: 'devs' }],
      'apps',
    ),
    // A RoleBinding naming a Role of another namespace grants nothing.
    binding('RoleBinding', 'foreign-role', { kind: 'Role', name: 'exec' }, [{ kind: 'User', name: 'alice' }], 'other'),
    binding(
      'RoleBinding',
      'metrics-in-ns',
      { kind: 'ClusterRole', name: 'metrics' },
      [{ kind: 'User', name: 'bob' }],
      'apps',
    ),
  ],
};

const cases: readonly [sentence: string, user: UserInfo, method: string, url: string, allowed: boolean][] = [
  ['system:masters may do anything without any binding', ADMIN_USER, 'DELETE', '/api/v1/namespaces/x/secrets', true],
  ['the federation account lists pods in every namespace', fed, 'GET', '/api/v1/pods', true],
  ['the federation account watches services', fed, 'GET', '/api/v1/namespaces/a/services?watch=true', true],
  ['the federation account may not list secrets', fed, 'GET', '/api/v1/namespaces/default/secrets', false],
  [
    'the federation account may not patch what it may update',
    fed,
    'PATCH',
    '/apis/networking.istio.io/v1/namespaces/a/workloadentries/w',
    false,
  ],
  [
    'the federation account creates WorkloadEntries',
    fed,
    'POST',
    '/apis/networking.istio.io/v1/namespaces/a/workloadentries',
    true,
  ],
  [
    'the federation account may not touch a WorkloadEntry status (a subresource needs its own rule)',
    fed,
    'PUT',
    '/apis/networking.istio.io/v1/namespaces/a/workloadentries/w/status',
    false,
  ],
  ['resourceNames allow update of the named namespace', fed, 'PUT', '/api/v1/namespaces/meshbridge-multicluster', true],
  ['resourceNames refuse update of another namespace', fed, 'PUT', '/api/v1/namespaces/default', false],
  [
    'resourceNames allow delete of the named namespace',
    fed,
    'DELETE',
    '/api/v1/namespaces/meshbridge-multicluster',
    true,
  ],
  ['a RoleBinding to a ClusterRole grants in its namespace', reader, 'GET', '/api/v1/namespaces/apps/secrets/db', true],
  [
    'a RoleBinding to a ClusterRole grants nothing in another namespace',
    reader,
    'GET',
    '/api/v1/namespaces/other/secrets/db',
    false,
  ],
  ['a RoleBinding grants nothing across all namespaces', reader, 'GET', '/api/v1/secrets', false],
  [
    'resourceNames never allow a plain list',
    reader,
    'GET',
    '/apis/coordination.k8s.io/v1/namespaces/apps/leases',
    false,
  ],
  [
    'resourceNames allow get of the named object',
    reader,
    'GET',
    '/apis/coordination.k8s.io/v1/namespaces/apps/leases/lock',
    true,
  ],
  [
    'resourceNames refuse get of another object',
    reader,
    'GET',
    '/apis/coordination.k8s.io/v1/namespaces/apps/leases/other',
    false,
  ],
  ['resourceNames never allow create', reader, 'POST', '/apis/coordination.k8s.io/v1/namespaces/apps/leases', false],
  ['a ServiceAccount subject without a namespace matches nobody', reader, 'GET', '/api/v1/nodes', false],
  ['pods/exec create is granted by its own rule', alice, 'POST', '/api/v1/namespaces/apps/pods/p/exec', true],
  ['pods/exec does not grant get of the pod', alice, 'GET', '/api/v1/namespaces/apps/pods/p', false],
  [
    'a RoleBinding to a Role of another namespace grants nothing',
    alice,
    'POST',
    '/api/v1/namespaces/other/pods/p/exec',
    false,
  ],
  [
    '*/status matches the status of any resource',
    alice,
    'PATCH',
    '/apis/install.tetrate.io/v1alpha1/namespaces/apps/workspacesettings/w/status',
    true,
  ],
  [
    '*/status does not match the resource itself',
    alice,
    'PATCH',
    '/apis/install.tetrate.io/v1alpha1/namespaces/apps/workspacesettings/w',
    false,
  ],
  ['a nonResourceURL is matched exactly', alice, 'GET', '/metrics', true],
  ['a nonResourceURL ending in * is a prefix', alice, 'GET', '/debug/pprof/heap', true],
  ['a nonResourceURL verb must match', alice, 'POST', '/metrics', false],
  [
    'nonResourceURLs bound by a RoleBinding grant nothing',
    { user: 'bob', groups: ['system:authenticated'] },
    'GET',
    '/metrics',
    false,
  ],
  ['every authenticated user reads discovery', reader, 'GET', '/apis/apps/v1', true],
  ['every authenticated user reads /version', reader, 'GET', '/version', true],
  ['every authenticated user reads the OpenAPI documents', reader, 'GET', '/openapi/v3/api/v1', true],
  [
    'every authenticated user may ask what it may do',
    reader,
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    true,
  ],
  ['discovery is read-only', reader, 'POST', '/apis', false],
  [
    'a group subject matches members only',
    { user: 'carol', groups: ['ops', 'system:authenticated'] },
    'GET',
    '/metrics',
    false,
  ],
];

for (const [sentence, user, method, url, allowed] of cases) {
  test(`rbac: ${sentence}`, () => {
    const u = new URL(url, 'http://x');
    assert.equal(authorize(user, requestAttributes(method, u.pathname, u.searchParams), policy).allowed, allowed);
  });
}

test('rbac: a wildcard ClusterRole bound by a ClusterRoleBinding grants everything, custom resources included', () => {
  const p: RbacPolicy = {
    ...policy,
    clusterRoleBindings: [
      binding('ClusterRoleBinding', 'all', { kind: 'ClusterRole', name: 'everything' }, [
        { kind: 'User', name: 'alice' },
      ]),
    ],
  };
  for (const [method, url] of [
    ['DELETE', '/apis/install.tetrate.io/v1alpha1/namespaces/a/workspacesettings'],
    ['GET', '/api/v1/nodes/n/status'],
  ] as const) {
    assert.equal(authorize(alice, requestAttributes(method, url, new URLSearchParams()), p).allowed, true, url);
  }
  // `*` resources are not nonResourceURLs.
  assert.equal(authorize(alice, requestAttributes('GET', '/logs', new URLSearchParams()), p).allowed, false);
});

test('rbac: cluster-admin is built in, and a stored ClusterRole of that name replaces it', () => {
  const bind = binding('ClusterRoleBinding', 'a', { kind: 'ClusterRole', name: 'cluster-admin' }, [
    { kind: 'User', name: 'alice' },
  ]);
  const attrs = requestAttributes('GET', '/api/v1/namespaces/a/secrets', new URLSearchParams());
  assert.equal(authorize(alice, attrs, { ...policy, clusterRoleBindings: [bind] }).allowed, true);
  const replaced = { ...policy, clusterRoles: [role('ClusterRole', 'cluster-admin', [])], clusterRoleBindings: [bind] };
  assert.equal(authorize(alice, attrs, replaced).allowed, false);
});

test('rbac: forbidden messages read like kube-apiserver', () => {
  const msg = (user: UserInfo, method: string, url: string): string => {
    const u = new URL(url, 'http://x');
    return forbiddenMessage(user, requestAttributes(method, u.pathname, u.searchParams));
  };
  assert.equal(
    msg(fed, 'GET', '/api/v1/namespaces/default/secrets'),
    'secrets is forbidden: User "system:serviceaccount:meshbridge:meshbridge-federation" cannot list resource ' +
      '"secrets" in API group "" in the namespace "default"',
  );
  assert.equal(
    msg(fed, 'GET', '/apis/apps/v1/deployments/x'),
    'deployments.apps "x" is forbidden: User "system:serviceaccount:meshbridge:meshbridge-federation" cannot get ' +
      'resource "deployments" in API group "apps" at the cluster scope',
  );
  assert.equal(
    msg(alice, 'POST', '/api/v1/namespaces/b/pods/p/exec'),
    'pods "p" is forbidden: User "alice" cannot create resource "pods/exec" in API group "" in the namespace "b"',
  );
  assert.equal(msg(alice, 'GET', '/logs'), 'forbidden: User "alice" cannot get path "/logs"');
});
