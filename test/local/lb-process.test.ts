/**
 * The L4 load balancer as a process of its own (src/local/lb-main.ts), with real processes and real signals:
 * `local up` starts it beside the cluster process; a LoadBalancer Service is served on its ingress address; a
 * kill -9 of the cluster process costs not one connection through the load balancer (it keeps the last endpoints
 * it listed while the API is gone, then re-syncs with the restarted API); a kill -9 of the load balancer itself is
 * repaired by the supervisor; `local down` stops it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDown } from '../../src/local/lifecycle/down.js';
import { localUp } from '../../src/local/lifecycle/up.js';
import { lbPid } from '../../src/local/lifecycle/lb-process.js';
import { parseClusterSpecs } from '../../src/local/config.js';
import { REPO_ROOT } from '../support/paths.js';
import { alive, ensureBuilt, eventually, randomBlockBase, testImageMap } from './process-support.js';

const home = mkdtempSync(join(tmpdir(), 'mb-lb-process-'));
const env = {
  ...process.env,
  MESHBRIDGE_HOME: home,
  MESHBRIDGE_IP_BLOCK_BASE: String(randomBlockBase()),
  MESHBRIDGE_IMAGE_MAP: testImageMap(),
};
const clusters = parseClusterSpecs('cluster-1=eu-west-2/eu-west-2a');
const kubeconfig = join(home, 'kubeconfig');
const clusterDir = join(home, 'clusters', 'cluster-1');

function kubectl(args: string[], input?: string): string {
  return execFileSync('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--context', 'cluster-1', ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// A plain (sidecar-less) app behind a LoadBalancer Service: the balancer forwards raw TCP to the pod.
const WEB_YAML = `apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: docker.io/istio/examples-bookinfo-details-v1:1.20.3, ports: [{containerPort: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: web}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: 9080}]
`;

/** One GET on a new connection; resolves with the answering pod or rejects. */
function get(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: ip, port: 9080, path: '/', agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve((JSON.parse(body) as { pod: string }).pod)
          : reject(new Error(`${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Sends a GET every `everyMs` until stopped; counts answers and failures (each with its message). */
function steady(ip: string, everyMs = 20): { stop(): Promise<{ ok: number; failed: string[] }> } {
  let ok = 0;
  const failed: string[] = [];
  const inflight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const p = get(ip).then(
      () => void ok++,
      (err: unknown) => void failed.push(String(err)),
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inflight]);
      return { ok, failed };
    },
  };
}

let ip = '';

before(async () => {
  ensureBuilt();
  await localUp({ home, clusters, env });
  kubectl(['apply', '-f', '-'], WEB_YAML);
  ip = await eventually(
    'the Service ingress address',
    () => {
      const svc = JSON.parse(kubectl(['get', 'svc', 'web', '-n', 'web', '-o', 'json'])) as {
        status?: { loadBalancer?: { ingress?: { ip: string }[] } };
      };
      return svc.status?.loadBalancer?.ingress?.[0]?.ip;
    },
    30_000,
  );
  await eventually('an answer through the load balancer', () => get(ip), 60_000);
});

after(async () => {
  await localDown(home);
  rmSync(home, { recursive: true, force: true });
});

test('local up runs the load balancer as its own process, shown by local status', () => {
  const pid = lbPid(clusterDir);
  assert.ok(pid !== undefined && alive(pid), 'the load balancer process runs');
  const cluster = Number(readFileSync(join(clusterDir, 'cluster.pid'), 'utf8'));
  assert.notEqual(pid, cluster);
  const status = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'meshbridge.js'), 'local', 'status'], {
    env,
    encoding: 'utf8',
  });
  assert.match(status.stdout, new RegExp(`load balancer: running \\(pid ${pid}\\)`));
});

test('kill -9 of the cluster process: not one connection through the load balancer fails', async () => {
  const old = Number(readFileSync(join(clusterDir, 'cluster.pid'), 'utf8'));
  const lbBefore = lbPid(clusterDir);
  const load = steady(ip);
  await new Promise((r) => setTimeout(r, 500));
  process.kill(old, 'SIGKILL');
  await eventually(
    'the restarted cluster API',
    () => {
      const ready = JSON.parse(readFileSync(join(clusterDir, 'ready.json'), 'utf8')) as { pid: number };
      return ready.pid !== old && kubectl(['get', '--raw', '/readyz']) === 'ok' ? true : undefined;
    },
    30_000,
  );
  // Past the balancer's reconnect (500 ms) and one resync, so it serves from the restarted API's objects.
  await new Promise((r) => setTimeout(r, 2500));
  const report = await load.stop();
  assert.deepEqual(report.failed, [], `failed requests: ${report.failed.slice(0, 5).join('; ')}`);
  assert.ok(report.ok > 50, `only ${report.ok} requests were answered`);
  assert.equal(lbPid(clusterDir), lbBefore, 'the load balancer process was not restarted');
  const log = readFileSync(join(clusterDir, 'lb.log'), 'utf8');
  assert.match(log, /cluster API unreachable: serving the last known endpoints/);
  assert.match(log, /cluster API reachable again/);
});

test('after the restart, endpoint changes reach the load balancer through the new API', async () => {
  kubectl(['scale', 'deployment', 'web', '-n', 'web', '--replicas', '1']);
  const pods = (): string[] =>
    (
      JSON.parse(kubectl(['get', 'pods', '-n', 'web', '-o', 'json'])) as { items: { metadata: { name: string } }[] }
    ).items
      .map((p) => p.metadata.name)
      .sort();
  const remaining = await eventually('one pod left', () => (pods().length === 1 ? pods() : undefined), 30_000);
  await eventually(
    'only the remaining pod answering',
    async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await get(ip));
      return [...seen].every((p) => remaining.includes(p)) ? true : undefined;
    },
    15_000,
  );
});

test('kill -9 of the load balancer: the supervisor starts it again within 2 s and it serves again', async () => {
  const old = lbPid(clusterDir);
  assert.ok(old !== undefined);
  const killedAt = Date.now();
  process.kill(old, 'SIGKILL');
  await eventually(
    'a new load balancer process',
    () => {
      const pid = lbPid(clusterDir);
      return pid !== undefined && pid !== old ? pid : undefined;
    },
    10_000,
  );
  const restarted = Date.now() - killedAt;
  assert.ok(restarted < 2000, `restarted ${restarted} ms after the kill`);
  // Serving also needs the new process to boot, list the API and bind: seconds on a loaded machine.
  await eventually('an answer through the new load balancer', () => get(ip), 10_000);
  const recovered = Date.now() - killedAt;
  assert.ok(recovered < 8000, `served again ${recovered} ms after the kill`);
  const state = JSON.parse(readFileSync(join(home, 'supervisor', 'state.json'), 'utf8')) as Record<
    string,
    { restarts: number }
  >;
  assert.equal(state['lb/cluster-1']?.restarts, 1);
});

test('local down stops the load balancer', async () => {
  const pid = lbPid(clusterDir);
  assert.ok(pid !== undefined);
  await localDown(home);
  assert.equal(alive(pid), false);
  await assert.rejects(get(ip));
});
