/**
 * `meshbridge install` and `install remote`: every manifest passes Kubernetes' own schemas (kubernetes-models,
 * generated from the Kubernetes OpenAPI document), the output matches the reviewed golden files
 * (REFRESH_GOLDEN=1 rewrites them), the workloads are non-root and read-only, the controller's ClusterRole is exactly
 * what the federation reads and writes, and bad flags are refused with the flag named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as apiext from 'kubernetes-models/apiextensions.k8s.io/v1';
import {
  controllerRules,
  InstallError,
  installOptions,
  managementManifests,
  remoteManifests,
  remoteOptions,
  renderManifests,
  type Manifest,
} from '../../src/install/index.js';
import { INVENTORY_KINDS, MULTICLUSTER_NAMESPACE, OWNED_KINDS } from '../../src/federation/index.js';
import { KINDS } from '../../src/api/index.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const refresh = process.env['REFRESH_GOLDEN'] === '1';

/** The kubernetes-models class of each kind `install` prints. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  Namespace: core.Namespace,
  ServiceAccount: core.ServiceAccount,
  Service: core.Service,
  Secret: core.Secret,
  PersistentVolumeClaim: core.PersistentVolumeClaim,
  Deployment: apps.Deployment,
  PodDisruptionBudget: policy.PodDisruptionBudget,
  ClusterRole: rbac.ClusterRole,
  ClusterRoleBinding: rbac.ClusterRoleBinding,
  Role: rbac.Role,
  RoleBinding: rbac.RoleBinding,
  CustomResourceDefinition: apiext.CustomResourceDefinition,
};

const CASES: Record<string, Manifest[]> = {
  'management-postgres': managementManifests(installOptions({ image: 'registry.example/meshbridge:0.1.0' })),
  'management-sqlite': managementManifests(
    installOptions({ image: 'registry.example/meshbridge:0.1.0', store: 'sqlite', namespace: 'mesh-admin' }),
  ),
  'remote-cluster-1': remoteManifests(remoteOptions({ cluster: 'cluster-1' })),
};

for (const [name, manifests] of Object.entries(CASES)) {
  test(`${name}: every manifest passes the Kubernetes schema of its kind`, () => {
    for (const m of manifests) {
      const Model = MODELS[m.kind];
      assert.ok(Model, `a schema for ${m.kind}`);
      assert.doesNotThrow(() => new Model(structuredClone(m) as never).validate(), `${m.kind}/${m.metadata.name}`);
    }
  });

  test(`${name}: the output matches the golden file`, () => {
    const file = join(GOLDEN, `${name}.yaml`);
    const text = renderManifests(`golden: ${name}`, manifests);
    if (refresh || !existsSync(file)) writeFileSync(file, text);
    assert.equal(text, readFileSync(file, 'utf8'));
  });
}

test('the schemas catch what they should: a port as a word is refused (the validation is real)', () => {
  const [deployment] = CASES['management-postgres']!.filter((m) => m.kind === 'Deployment');
  const broken = structuredClone(deployment) as unknown as {
    spec: { template: { spec: { containers: { ports: unknown[] }[] } } };
  };
  broken.spec.template.spec.containers[0]!.ports = [{ containerPort: 'https' }];
  assert.throws(() => new apps.Deployment(broken as never).validate(), /containerPort/);
});

test('every pod runs non-root, read-only, without privilege escalation, capabilities or an API token', () => {
  for (const manifests of Object.values(CASES)) {
    for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
      const pod = (d as unknown as { spec: { template: { spec: unknown } } }).spec.template.spec as {
        automountServiceAccountToken: boolean;
        securityContext: { runAsNonRoot: boolean; seccompProfile: { type: string } };
        containers: { securityContext: Record<string, unknown>; resources: { requests: object } }[];
      };
      // Only the controller (its leader Lease) and the management plane (the GitOps sync, on by default) talk to
      // the management cluster's API.
      assert.equal(pod.automountServiceAccountToken, true, d.metadata.name);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
      for (const c of pod.containers) {
        assert.deepEqual(c.securityContext, {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        assert.ok(c.resources.requests, 'resource requests');
      }
    }
  }
});

test("the management plane's GitOps access: its custom resources and their status in every namespace, nothing else", () => {
  const ms = CASES['management-postgres']!;
  const role = ms.find((m) => m.kind === 'ClusterRole') as unknown as {
    rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  };
  assert.deepEqual(
    role.rules.map((r) => `${r.apiGroups.join()} ${r.resources.join()} ${r.verbs.join()}`),
    [
      'api.tsb.tetrate.io clusters,organizations,organizationsettings,tenants,workspaces,workspacesettings get,list,watch,create,update,delete',
      'api.tsb.tetrate.io clusters/status,organizations/status,organizationsettings/status,tenants/status,workspaces/status,workspacesettings/status get,update',
      'failover.meshbridge.io failoverdrills,failoverpolicies get,list,watch,create,update,delete',
      'failover.meshbridge.io failoverdrills/status,failoverpolicies/status get,update',
    ],
  );
  const binding = ms.find((m) => m.kind === 'ClusterRoleBinding') as unknown as { subjects: { name: string }[] };
  assert.deepEqual(
    binding.subjects.map((s) => s.name),
    ['meshbridge-mgmt'],
  );
  const mgmt = ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'meshbridge-mgmt') as unknown as {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  assert.deepEqual(mgmt.spec.template.spec.containers[0]?.args.slice(-2), ['--gitops', 'meshbridge']);
  const without = managementManifests(installOptions({ image: 'registry.example/meshbridge:1', gitops: false }));
  assert.ok(!without.some((m) => m.kind === 'ClusterRole' || m.kind === 'CustomResourceDefinition'));
});

test('the controller runs 2 replicas that elect a leader, with access to their one Lease and nothing else', () => {
  const ms = CASES['management-postgres']!;
  const c = ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'meshbridge-controller') as unknown as {
    spec: {
      replicas: number;
      template: { spec: { automountServiceAccountToken: boolean; containers: { args: string[] }[] } };
    };
  };
  assert.equal(c.spec.replicas, 2);
  assert.ok(c.spec.template.spec.containers[0]!.args.includes('--leader-elect'));
  assert.equal(c.spec.template.spec.automountServiceAccountToken, true, 'the Lease needs the API');
  const role = ms.find((m) => m.kind === 'Role') as unknown as {
    rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[];
  };
  assert.deepEqual(role.rules, [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['meshbridge-controller'],
      verbs: ['get', 'update'],
    },
  ]);
  assert.ok(ms.some((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'meshbridge-controller'));
  const one = managementManifests(installOptions({ image: 'x:1', controllerReplicas: '1' }));
  assert.ok(!one.some((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'meshbridge-controller'));
});

test('postgres: 2 management replicas with a disruption budget and the URL from a Secret; sqlite: 1 on a volume', () => {
  const pg = CASES['management-postgres']!;
  const mgmt = (ms: Manifest[]) =>
    ms.find((m) => m.kind === 'Deployment' && m.metadata.name === 'meshbridge-mgmt') as unknown as {
      spec: { replicas: number; template: { spec: { containers: { env: unknown[] }[] } } };
    };
  assert.equal(mgmt(pg).spec.replicas, 2);
  assert.ok(pg.some((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'meshbridge-mgmt'));
  assert.deepEqual(mgmt(pg).spec.template.spec.containers[0]!.env, [
    { name: 'MESHBRIDGE_STORE', valueFrom: { secretKeyRef: { name: 'meshbridge-store', key: 'url' } } },
  ]);
  const lite = CASES['management-sqlite']!;
  assert.equal(mgmt(lite).spec.replicas, 1);
  assert.ok(lite.some((m) => m.kind === 'PersistentVolumeClaim'));
  assert.ok(
    !lite.some((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === 'meshbridge-mgmt'),
    'no budget that would block every drain',
  );
});

test("the workload cluster's ClusterRole is exactly the federation's reads and writes, and nothing more", () => {
  const plural = (kind: string) => KINDS.find((k) => k.kind === kind && k.scope === 'cluster')!.plural;
  const rules = controllerRules();
  const granted = (verb: string, named = false) =>
    new Set(rules.filter((r) => r.verbs.includes(verb) && !!r.resourceNames === named).flatMap((r) => r.resources));
  const sorted = (s: Iterable<string>) => [...s].sort();
  assert.deepEqual(sorted(granted('list')), sorted(new Set([...INVENTORY_KINDS, ...OWNED_KINDS].map(plural))));
  const generated = OWNED_KINDS.filter((k) => k !== 'Namespace').map(plural);
  assert.deepEqual(sorted(granted('create')), sorted([...generated, 'namespaces']));
  for (const verb of ['update', 'delete']) {
    assert.deepEqual(sorted(granted(verb)), sorted(generated), `${verb} on any namespace is not granted`);
    assert.deepEqual(sorted(granted(verb, true)), ['namespaces']);
  }
  assert.deepEqual(rules.find((r) => r.resourceNames)?.resourceNames, [MULTICLUSTER_NAMESPACE]);
  const all = JSON.stringify(rules);
  assert.ok(!all.includes('*'), 'no wildcard');
  for (const never of ['secrets', 'configmaps', 'patch', 'escalate', 'bind', 'impersonate']) {
    assert.ok(!all.includes(`"${never}"`), `nothing grants ${never}`);
  }
});

test('bad flags are refused with MB1201 and the flag named', () => {
  const refused = (f: () => unknown, flag: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof InstallError && e.code === 'MB1201' && flag.test(e.message));
  refused(() => installOptions({ image: 'x:1', store: 'sqlite', mgmtReplicas: '2' }), /--mgmt-replicas/);
  refused(() => installOptions({ image: 'x:1', store: 'mysql' }), /--store/);
  refused(() => installOptions({ image: 'Bad Image!' }), /--image/);
  refused(() => installOptions({ image: 'x:1', namespace: 'Kube_System' }), /--namespace/);
  refused(() => installOptions({ image: 'x:1', mgmtReplicas: '0' }), /--mgmt-replicas/);
  refused(() => installOptions({ image: 'x:1', controllerReplicas: 'two' }), /--controller-replicas/);
  refused(() => remoteOptions({ cluster: 'cluster 1' }), /--cluster/);
});
