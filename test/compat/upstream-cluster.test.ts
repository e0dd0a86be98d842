/**
 * A real local cluster accepts the upstream files verbatim through real kubectl: Istio's bookinfo and sleep
 * samples come up ready, the seed's East-West gateway becomes a ready gateway and its istio-locality overlay
 * reaches the gateway's pod template and pods, and the management plane takes the seed's WorkspaceSetting once its
 * placeholders are filled in as the seed's shell does.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { ensureBuilt, eventually, randomBlockBase } from '../local/process-support.js';
import { readUpstream, substituteSeed, upstreamPath, UPSTREAM_FILES, type UpstreamRole } from './support.js';

const KUBECTL = '/usr/bin/kubectl';
const home = mkdtempSync(join(tmpdir(), 'mb-compat-'));
const env = {
  ...process.env,
  MESHBRIDGE_HOME: home,
  MESHBRIDGE_IP_BLOCK_BASE: process.env.MESHBRIDGE_IP_BLOCK_BASE ?? String(randomBlockBase()),
};

function kubectl(...args: string[]): string {
  return execFileSync(KUBECTL, ['--kubeconfig', join(home, 'kubeconfig'), '--context', 'cluster-1', ...args], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function meshbridge(...args: string[]): { status: number; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'meshbridge.js'), ...args], {
    env,
    encoding: 'utf8',
  });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

interface Deploy {
  metadata: { name: string };
  spec: { replicas: number };
  status?: { readyReplicas?: number };
}

async function readyDeployments(names: readonly string[]): Promise<void> {
  await eventually(
    `ready deployments ${names.join(', ')}`,
    () => {
      const items = (JSON.parse(kubectl('get', 'deploy', '-n', 'bookinfo', '-o', 'json')) as { items: Deploy[] }).items;
      const ready = names.every((n) => {
        const d = items.find((i) => i.metadata.name === n);
        return d !== undefined && (d.status?.readyReplicas ?? 0) === d.spec.replicas;
      });
      return ready ? true : undefined;
    },
    120_000,
  );
}

before(() => {
  // Every upstream file is checked first, so a missing one fails the suite before any cluster starts.
  for (const role of Object.keys(UPSTREAM_FILES) as UpstreamRole[]) upstreamPath(role);
  if (!existsSync(KUBECTL))
    throw new Error(`${KUBECTL} is missing: this suite applies the upstream files with kubectl`);
  ensureBuilt();
  const up = meshbridge('local', 'up', '--clusters', 'cluster-1=eu-west-2/eu-west-2a');
  assert.equal(up.status, 0, up.stderr);
});

after(() => {
  meshbridge('local', 'down');
  rmSync(home, { recursive: true, force: true });
});

test("kubectl applies Istio's bookinfo and sleep samples as published, and every deployment becomes ready", async () => {
  kubectl('create', 'namespace', 'bookinfo');
  kubectl('label', 'namespace', 'bookinfo', 'istio-injection=enabled');
  const bookinfo = kubectl('apply', '-n', 'bookinfo', '-f', upstreamPath('bookinfo'));
  for (const d of ['details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1'])
    assert.match(bookinfo, new RegExp(`deployment.apps/${d} created`));
  assert.match(kubectl('apply', '-n', 'bookinfo', '-f', upstreamPath('sleep')), /deployment.apps\/sleep created/);
  await readyDeployments([
    'details-v1',
    'ratings-v1',
    'reviews-v1',
    'reviews-v2',
    'reviews-v3',
    'productpage-v1',
    'sleep',
  ]);
  assert.match(kubectl('apply', '-n', 'bookinfo', '-f', upstreamPath('bookinfo')), /service\/details unchanged/);
});

test("kubectl applies the seed's East-West gateway, then its istio-locality overlay, which reaches the gateway's pod template and pods", async () => {
  assert.match(
    kubectl('apply', '-f', upstreamPath('eastWestGateway')),
    /ingressgateway.install.tetrate.io\/eastwest-gateway created/,
  );
  await readyDeployments(['eastwest-gateway']);
  assert.match(
    kubectl('apply', '-f', upstreamPath('eastWestGatewayLocality')),
    /ingressgateway.install.tetrate.io\/eastwest-gateway configured/,
  );
  const template = JSON.parse(kubectl('get', 'deploy', 'eastwest-gateway', '-n', 'bookinfo', '-o', 'json')) as {
    spec: { template: { metadata: { labels?: Record<string, string> } } };
  };
  assert.equal(template.spec.template.metadata.labels?.['istio-locality'], 'eu-remote-1');
  await eventually(
    'a gateway pod labelled istio-locality=eu-remote-1',
    () => {
      const pods = JSON.parse(
        kubectl('get', 'pods', '-n', 'bookinfo', '-l', 'app=eastwest-gateway,istio-locality=eu-remote-1', '-o', 'json'),
      ) as { items: unknown[] };
      return pods.items.length > 0 ? true : undefined;
    },
    60_000,
  );
});

test("the management plane takes the seed's WorkspaceSetting with ${ORG} and ${TEN} filled in as the seed's shell does", () => {
  const hierarchy = meshbridge('apply', '-f', join(EXAMPLES, 'workspace.yaml'));
  assert.equal(hierarchy.status, 0, hierarchy.stderr);
  const filled = join(home, 'bookinfo-ws-eastwest.yaml');
  writeFileSync(filled, substituteSeed(readUpstream('workspaceSetting'), { org: 'tetrate', tenant: 'demo' }));
  const applied = meshbridge('apply', '-f', filled);
  assert.equal(applied.status, 0, applied.stderr);
  assert.match(applied.stdout, /WorkspaceSetting\/bookinfo-ws-setting created/);
});
