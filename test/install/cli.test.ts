/**
 * `meshbridge install` and `install remote` as a user runs them: YAML on stdout that parses into the manifests, and
 * a bad flag refused on stderr with exit status 1 and nothing on stdout (so `| kubectl apply -f -` applies nothing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';

const meshbridge = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });

test('install prints a YAML stream of the management cluster manifests', () => {
  const r = meshbridge('install', '--image', 'registry.example/meshbridge:1.2.3', '--store', 'sqlite');
  assert.equal(r.status, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { kind: string; spec?: unknown });
  assert.deepEqual(
    docs.map((d) => d.kind),
    [
      ...Array<string>(8).fill('CustomResourceDefinition'),
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'ServiceAccount',
      'PersistentVolumeClaim',
      'Deployment',
      'Service',
      'Role',
      'RoleBinding',
      'Deployment',
      'PodDisruptionBudget',
    ],
  );
  assert.ok(r.stdout.includes('image: registry.example/meshbridge:1.2.3'));
  const off = meshbridge('install', '--store', 'sqlite', '--no-gitops');
  assert.equal(off.status, 0, off.stderr);
  const kinds = parseAllDocuments(off.stdout).map((d) => (d.toJS() as { kind: string }).kind);
  assert.ok(!kinds.includes('CustomResourceDefinition') && !kinds.includes('ClusterRole'), kinds.join(', '));
  const bad = meshbridge('install', '--gitops-namespace', 'Not_A_Namespace');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--gitops-namespace Not_A_Namespace must be a DNS label/);
});

test('install remote prints the CRD and the access of one workload cluster', () => {
  const r = meshbridge('install', 'remote', '--cluster', 'cluster-2');
  assert.equal(r.status, 0, r.stderr);
  const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as { kind: string }).kind);
  assert.deepEqual(kinds, [
    'CustomResourceDefinition',
    'Namespace',
    'ServiceAccount',
    'ClusterRole',
    'ClusterRoleBinding',
    'Secret',
  ]);
  assert.ok(r.stdout.includes('meshbridge.io/cluster: cluster-2'));
});

test('a bad flag exits 1 with the flag named and prints no manifest', () => {
  const r = meshbridge('install', '--store', 'sqlite', '--mgmt-replicas', '3');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /--mgmt-replicas must be 1/);
});
