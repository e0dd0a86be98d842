/**
 * Supervision of local clusters with real processes and real signals: the supervisor restarts a killed cluster
 * process and control process without any command; the restarted cluster process adopts its running pods (same
 * pids, status Running/Ready, not one failed request through them); crash loops back off; `local up` after a
 * partial crash adopts what runs; an orphaned pod exits by itself; `local down` stops everything even after the
 * home was removed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localDown } from '../../src/local/lifecycle/down.js';
import { localUp } from '../../src/local/lifecycle/up.js';
import { controlPid, controlUrl, startControl } from '../../src/local/lifecycle/control.js';
import { pauseSupervision, supervisorPaths, supervisorPid } from '../../src/local/lifecycle/supervisor.js';
import { OWNER_HOME_ENV, processesWithEnv } from '../../src/local/lifecycle/processes.js';
import { parseClusterSpecs } from '../../src/local/config.js';
import { REPO_ROOT, EXAMPLES } from '../support/paths.js';
import { startSteadyLoad, type LoadReport } from '../support/steady-load.js';
import {
  alive,
  BOOKINFO_YAML,
  ensureBuilt,
  eventually,
  processesWith,
  randomBlockBase,
  testImageMap,
} from './process-support.js';

const home = mkdtempSync(join(tmpdir(), 'mb-supervision-'));
/** Orphaned pods exit after this long without their cluster process (shortened from 60 s for the test). */
const ORPHAN_EXIT_MS = 20_000;
const env = {
  ...process.env,
  MESHBRIDGE_HOME: home,
  MESHBRIDGE_IP_BLOCK_BASE: String(randomBlockBase()),
  MESHBRIDGE_IMAGE_MAP: testImageMap(),
  MESHBRIDGE_ORPHAN_EXIT_MS: String(ORPHAN_EXIT_MS),
};
const clusters = parseClusterSpecs('cluster-1=eu-west-2/eu-west-2a');
const kubeconfig = join(home, 'kubeconfig');
const clusterDir = join(home, 'clusters', 'cluster-1');
const podMarker = `MESHBRIDGE_POD_OWNER=${join(clusterDir, 'pods')}`;
let sleepProxy: URL;

interface Pod {
  metadata: { name: string; uid: string };
  status?: {
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; restartCount: number; ready: boolean }[];
  };
}

function kubectl(...args: string[]): string {
  return execFileSync('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--context', 'cluster-1', ...args], {
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
/** Applies a manifest given as text (real kubectl, from stdin). */
function kubectlApply(yaml: string): string {
  return execFileSync('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--context', 'cluster-1', 'apply', '-f', '-'], {
    encoding: 'utf8',
    input: yaml,
  });
}
const ECHO_YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: bookinfo}
spec:
  replicas: 1
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
        - {name: echo, image: docker.io/istio/examples-bookinfo-details-v1:1.20.3, ports: [{containerPort: 9080}]}
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: bookinfo}
spec:
  selector: {app: echo}
  ports: [{name: http, port: 9080}]
`;
const pods = (): Pod[] =>
  (JSON.parse(kubectl('get', 'pods', '-n', 'bookinfo', '-o', 'json')) as { items: Pod[] }).items;
const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const clusterPid = (): number => Number(readFileSync(join(clusterDir, 'cluster.pid'), 'utf8'));
/** Pod process pids by pod name and container (from their environment). */
const podPids = (): string[] =>
  processesWith(podMarker)
    .map((p) => `${p.pod}:${p.pid}`)
    .sort();
/** Snapshot of every pod's uid, readiness and restart counts, as the API reports them. */
const podFacts = (): string[] =>
  pods()
    .map((p) => {
      const cs = (p.status?.containerStatuses ?? []).map((c) => `${c.name}=${c.restartCount}/${c.ready}`).join(',');
      return `${p.metadata.uid} ready=${isReady(p)} ${cs}`;
    })
    .sort();

/** The cluster's API answers again, served by a process other than `old`. */
async function apiBackAfter(old: number): Promise<void> {
  await eventually(
    'the restarted cluster API',
    () => {
      const ready = JSON.parse(readFileSync(join(clusterDir, 'ready.json'), 'utf8')) as { pid: number };
      return ready.pid !== old && kubectl('get', '--raw', '/readyz') === 'ok' ? true : undefined;
    },
    30_000,
  );
}

function load(): { stop(): Promise<LoadReport> } {
  // Through the sleep pod's sidecar to details: the client sidecar, mTLS, the server sidecar and the app.
  return startSteadyLoad({ proxy: sleepProxy, target: 'http://details.bookinfo:9080/', ratePerSecond: 50 });
}

/**
 * Runs `body` under the steady load (from 500 ms before to 1 s after it) and asserts that no request failed; the
 * load is stopped whatever happens.
 */
async function underLoad<T>(what: string, body: () => Promise<T>): Promise<T> {
  const pidsBefore = podPids();
  const run = load();
  let result: T;
  try {
    await new Promise((r) => setTimeout(r, 500));
    result = await body();
    await new Promise((r) => setTimeout(r, 1000));
  } catch (err) {
    await run.stop();
    throw err;
  }
  const report = await run.stop();
  if (report.failed > 0) {
    const now = podPids();
    process.stdout.write(
      `# pod processes gone meanwhile: ${pidsBefore.filter((p) => !now.includes(p)).join(' ') || 'none'}\n`,
    );
  }
  assertNoFailures(report, what);
  return result;
}

function assertNoFailures(report: LoadReport, what: string): void {
  const t0 = report.samples[0]?.at ?? 0;
  const window =
    report.failed > 0
      ? ` between ${(report.failures[0]?.at ?? 0) - t0} ms and ${(report.samples.filter((x) => !x.ok).pop()?.at ?? 0) - t0} ms after the load started`
      : '';
  process.stdout.write(`# ${what}: sent ${report.sent}, failed ${report.failed}${window} (${report.rate}/s)\n`);
  assert.ok(report.sent >= 100, `the load ran (${report.sent} requests)`);
  assert.equal(report.failed, 0, `${what}: failures ${JSON.stringify(report.failures)}`);
}

before(async () => {
  ensureBuilt();
  await localUp({ home, clusters, env, timeoutMs: 90_000 });
  await startControl({ home, organization: 'tetrate', env });
  kubectl('create', 'namespace', 'bookinfo');
  kubectl('label', 'namespace', 'bookinfo', 'istio-injection=enabled');
  kubectl('apply', '-n', 'bookinfo', '-f', BOOKINFO_YAML);
  kubectl('apply', '-n', 'bookinfo', '-f', join(EXAMPLES, 'sleep.yaml'));
  await eventually(
    'seven ready pods',
    () => {
      const list = pods();
      return list.length === 7 && list.every(isReady) ? true : undefined;
    },
    90_000,
  );
  const proxy = await eventually('the sleep pod proxy URL', () => {
    const res = meshbridge(
      '--cluster',
      'cluster-1',
      'exec',
      '-n',
      'bookinfo',
      'deploy/sleep',
      '--',
      'printenv',
      'http_proxy',
    );
    return res.status === 0 && res.stdout.trim() ? res.stdout.trim() : undefined;
  });
  sleepProxy = new URL(proxy);
  // The same load as the cases, fault-free for 2 s: the baseline the cases are measured against (a machine too busy
  // to carry it fails here, not in a case).
  await eventually(
    'the steady load through the sleep sidecar without a failure',
    async () => {
      const r = load();
      await new Promise((res) => setTimeout(res, 2000));
      const report = await r.stop();
      return report.sent > 0 && report.failed === 0 ? true : undefined;
    },
    120_000,
  );
});

after(async () => {
  await localDown(home);
  rmSync(home, { recursive: true, force: true });
});

test('kill -9 of the cluster process: restarted within 2 s, pods adopted with their pids and status, 0 failed requests', async () => {
  const beforePids = podPids();
  const beforeFacts = podFacts();
  assert.ok(beforePids.length >= 13, `app and sidecar processes of 7 pods (${beforePids.length})`);
  const old = clusterPid();
  const { restarted, servingAfterMs } = await underLoad('through adopted pods during the cluster restart', async () => {
    const killedAt = Date.now();
    process.kill(old, 'SIGKILL');
    const spawnedAfter = await eventually('a new cluster process', () => {
      const pid = clusterPid();
      return pid !== old && alive(pid) ? Date.now() - killedAt : undefined;
    });
    await apiBackAfter(old);
    return { restarted: spawnedAfter, servingAfterMs: Date.now() - killedAt };
  });
  process.stdout.write(`# cluster process restarted after ${restarted} ms, API serving after ${servingAfterMs} ms\n`);
  assert.ok(restarted <= 2000, `restarted after ${restarted} ms`);
  assert.deepEqual(
    podPids().filter((p) => !p.startsWith('echo-')),
    beforePids,
    'every pod process kept its pid',
  );
  assert.deepEqual(
    podFacts().filter((f) => beforeFacts.some((b) => b.split(' ')[0] === f.split(' ')[0])),
    beforeFacts,
    'same pods, still Ready, no restart counted',
  );
  // xDS resumes: a Service created after the restart is routable through the adopted sidecars.
  kubectlApply(ECHO_YAML);
  const echo = await eventually(
    'the new service through the adopted sleep sidecar',
    async () => {
      const r = startSteadyLoad({ proxy: sleepProxy, target: 'http://echo.bookinfo:9080/', ratePerSecond: 10 });
      await new Promise((res) => setTimeout(res, 300));
      const report = await r.stop();
      return report.sent > 0 && report.failed === 0 ? report : undefined;
    },
    30_000,
  );
  assert.match(echo.samples[0]?.detail ?? '', /"pod":"echo-/);
  assert.match(meshbridge('local', 'status').stdout, /^cluster-1: running \(pid \d+\) .* restarts 1$/m);
  assert.match(
    readFileSync(supervisorPaths(home).log, 'utf8'),
    new RegExp(`restarted cluster/cluster-1: pid ${old} -> \\d+ \\(restart 1, 1 in a row, back-off 0 ms\\)`),
  );
});

test('kill -9 of the control process: restarted within 2 s on the same URL, sidecars keep serving', async () => {
  const old = controlPid(home);
  const url = controlUrl(home);
  assert.ok(old !== undefined && url);
  const { restarted, back } = await underLoad('through sidecars during the control restart', async () => {
    const killedAt = Date.now();
    process.kill(old, 'SIGKILL');
    const spawnedAfter = await eventually('a new control process', () => {
      const pid = controlPid(home);
      return pid !== undefined && pid !== old ? Date.now() - killedAt : undefined;
    });
    const url = await eventually('the management plane serving again', () => controlUrl(home), 30_000);
    process.stdout.write(
      `# control process restarted after ${spawnedAfter} ms, serving after ${Date.now() - killedAt} ms\n`,
    );
    return { restarted: spawnedAfter, back: url };
  });
  assert.ok(restarted <= 2000, `restarted after ${restarted} ms`);
  assert.equal(back, url, 'the management plane keeps its address');
  assert.match(meshbridge('local', 'status').stdout, /^management plane: running \(pid \d+\) \S+ restarts 1$/m);
});

test('a cluster process that keeps crashing is restarted with a doubling back-off, then recovers and adopts', async () => {
  const info = join(clusterDir, 'cluster.json');
  const good = readFileSync(info, 'utf8');
  const beforePids = podPids();
  const log = supervisorPaths(home).log;
  const offset = readFileSync(log, 'utf8').length;
  const fresh = (): string[] => readFileSync(log, 'utf8').slice(offset).split('\n').filter(Boolean);
  // A cluster process that cannot read its cluster.json exits at once: a crash loop.
  writeFileSync(info, '{ not json');
  process.kill(clusterPid(), 'SIGKILL');
  await eventually(
    'a 2 s back-off in the supervisor log',
    () => (fresh().some((l) => /crash loop, back-off 2000 ms/.test(l)) ? true : undefined),
    20_000,
  );
  writeFileSync(info, good);
  await eventually(
    'the cluster serving again after the loop',
    () => (kubectl('get', '--raw', '/readyz') === 'ok' ? true : undefined),
    30_000,
  );
  // Each delayed restart came its back-off after the crash was seen ("is down; crash loop, back-off N ms").
  const at = (l: string): number => Date.parse(l.split(' ')[0] ?? '');
  const lines = fresh();
  const delays: number[] = [];
  for (const [i, line] of lines.entries()) {
    const down = /cluster\/cluster-1 \(pid \d+\) is down; crash loop, back-off (\d+) ms/.exec(line);
    if (!down) continue;
    const delay = Number(down[1]);
    const restart = lines.slice(i + 1).find((l) => l.includes('restarted cluster/cluster-1'));
    assert.ok(restart, `a restart follows: ${lines.join(' | ')}`);
    assert.ok(at(restart) - at(line) >= delay - 50, `restart waited ${delay} ms: ${line} -> ${restart}`);
    delays.push(delay);
  }
  assert.ok(delays.includes(1000) && delays.includes(2000), `back-offs ${delays.join(', ')} double`);
  assert.deepEqual(
    delays,
    [...delays].sort((a, b) => a - b),
    'back-offs only grow while it keeps crashing',
  );
  await eventually('every pod Ready', () => (pods().every(isReady) ? true : undefined), 30_000);
  assert.deepEqual(podPids(), beforePids, 'the pods survived the crash loop and were adopted');
});

test('local up after a partial crash (supervisor and cluster process killed) adopts the running pods', async () => {
  const beforePids = podPids();
  const supervisor = supervisorPid(home);
  assert.ok(supervisor !== undefined);
  const results = await underLoad('through running pods during local up', async () => {
    process.kill(supervisor, 'SIGKILL');
    process.kill(clusterPid(), 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    return localUp({ home, clusters, env, timeoutMs: 90_000 });
  });
  assert.deepEqual(
    results.map((r) => r.action),
    ['recovered'],
  );
  assert.deepEqual(podPids(), beforePids, 'local up started no pod');
  assert.ok(supervisorPid(home) !== undefined, 'local up left a supervisor running');
});

test(`an orphaned pod exits by itself ${ORPHAN_EXIT_MS / 1000} s after its cluster process is gone for good`, async () => {
  const orphans = processesWith(podMarker).map((p) => p.pid);
  assert.ok(orphans.length >= 13);
  await pauseSupervision(home);
  const killedAt = Date.now();
  process.kill(clusterPid(), 'SIGKILL');
  await new Promise((r) => setTimeout(r, ORPHAN_EXIT_MS - 5000));
  assert.ok(orphans.every(alive), 'pods wait for their cluster process to come back');
  await eventually('every orphaned pod process to exit', () => (orphans.some(alive) ? undefined : true), 15_000);
  process.stdout.write(`# orphaned pods exited ${Date.now() - killedAt} ms after their cluster process\n`);
  const results = await localUp({ home, clusters, env, timeoutMs: 90_000 });
  assert.deepEqual(
    results.map((r) => r.action),
    ['recovered'],
  );
  await eventually(
    'every pod Ready again',
    () => {
      const list = pods();
      return list.length === 8 && list.every(isReady) ? true : undefined;
    },
    60_000,
  );
});

/**
 * The home's processes keep writing logs and stores while it is removed, as they would under a user's rm -rf: a
 * directory can gain a file between its listing and its rmdir (ENOTEMPTY in a CI run). Node's own retry only
 * retries the rmdir, so the whole removal is retried.
 */
function removeWhileWritten(dir: string): void {
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOTEMPTY' || attempt === 20) throw err;
    }
  }
}

test('local down stops every process of a home whose directory was removed', async () => {
  const marked = processesWithEnv(OWNER_HOME_ENV, home);
  // supervisor, cluster and control processes, and 8 pods' processes.
  assert.ok(marked.length >= 17, `processes of the home (${marked.length})`);
  removeWhileWritten(home);
  const stray: number[] = [];
  const results = await localDown(home, { onStrays: (n) => stray.push(n) });
  assert.deepEqual(results, [], 'no state left to read');
  // Not necessarily all of `marked`: one may have exited by itself since (a CI run stopped 19 of 20). What must
  // hold is that none is left, below.
  assert.ok((stray[0] ?? 0) > 0, `stopped ${stray[0] ?? 0} processes found by their marker`);
  assert.deepEqual(marked.filter(alive), [], 'no process is left behind');
  assert.deepEqual(processesWithEnv(OWNER_HOME_ENV, home), []);
});
