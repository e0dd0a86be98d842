/**
 * The production traffic source against a real Prometheus server (Debian's `prometheus`, installed by .ci/run)
 * scraping a real metrics endpoint.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrometheusQueryError, PrometheusTopology } from '../../src/mgmt/telemetry/prometheus-topology.js';
import { randomLoopback } from '../images/support.js';
import type { MetricsEndpoint } from './metrics-endpoint.js';
import { startMetricsEndpoint } from './metrics-endpoint.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const found = spawnSync(PROMETHEUS, ['--version'], { encoding: 'utf8' });
if (found.error !== undefined || found.status !== 0) {
  throw new Error(`${PROMETHEUS} not found: install Debian's prometheus package (.ci/run does) or set PROMETHEUS_BIN`);
}

const c1 = (dst: string) => ({
  source_workload: 'productpage-v1',
  source_cluster: 'cluster-1',
  destination_service: 'details.bookinfo.svc.cluster.local',
  destination_cluster: dst,
});

let dir: string;
let prom: ChildProcess;
let promUrl: string;
let endpoint: MetricsEndpoint;
let pump: NodeJS.Timeout;
let pumpStarted = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mb-prom-'));
  const ip = randomLoopback();
  endpoint = await startMetricsEndpoint(ip);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: sidecars',
      '    metrics_path: /stats/prometheus',
      '    static_configs:',
      `      - targets: ['${endpoint.host}']`,
      '',
    ].join('\n'),
  );
  promUrl = `http://${ip}:9090`;
  prom = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${ip}:9090`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  prom.stderr?.on('data', (c: Buffer) => (log += c.toString()));
  const t0 = Date.now();
  for (;;) {
    if (prom.exitCode !== null) throw new Error(`prometheus exited: ${log.slice(-2000)}`);
    try {
      if ((await fetch(`${promUrl}/-/ready`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > 20_000) throw new Error(`prometheus not ready in 20 s: ${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Steady traffic: 20 req/s from productpage to details in cluster-1, 10 % of them 503.
  pumpStarted = Date.now();
  pump = setInterval(() => {
    endpoint.record(c1('cluster-1'), '200', 9, 3);
    endpoint.record(c1('cluster-1'), '503', 1, 40);
  }, 500);
});

after(async () => {
  clearInterval(pump);
  if (prom && prom.exitCode === null) {
    const exited = new Promise((r) => prom.once('exit', r));
    prom.kill('SIGTERM');
    await exited;
  }
  await endpoint?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('reads per-edge rate, error share and latency percentiles from a real Prometheus', async () => {
  const source = new PrometheusTopology({ url: promUrl, windowS: 5 });
  // The window must be full of scrapes of the steady traffic before the rate means anything: increase() over a
  // window the series only started in part of is extrapolated from too few samples and reads low. A loaded machine
  // can delay Prometheus's first scrapes by seconds, so wait for the samples rather than for a fixed time.
  const settle = pumpStarted + 3000 - Date.now();
  if (settle > 0) await new Promise((r) => setTimeout(r, settle));
  const fullWindow = 'min(count_over_time(istio_requests_total{reporter="source"}[8s]))';
  const t0 = Date.now();
  for (;;) {
    const [sample] = await source.query(fullWindow);
    if (sample !== undefined && Number(sample.value[1]) >= 7) break;
    if (Date.now() - t0 > 40_000)
      assert.fail(`Prometheus did not fill an 8 s window in 40 s: ${JSON.stringify(sample)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const topo = await source.topology();
  assert.equal(topo.source, 'prometheus');
  assert.deepEqual(
    topo.targets.map((t) => t.ok),
    [true],
  );
  assert.equal(topo.edges.length, 1);
  const e = topo.edges[0]!;
  assert.equal(e.destinationCluster, 'cluster-1');
  assert.ok(e.rps > 10 && e.rps < 30, `rps ${e.rps}`);
  assert.ok(e.errorShare > 0.05 && e.errorShare < 0.15, `error share ${e.errorShare}`);
  assert.ok(e.p50Ms !== undefined && e.p50Ms > 1 && e.p50Ms <= 5, `p50 ${e.p50Ms}`);
  assert.ok(e.p99Ms !== undefined && e.p99Ms > 25 && e.p99Ms <= 50, `p99 ${e.p99Ms}`);
  assert.equal(e.crossCluster, false);
});

test('reports an unreachable or failing server on the topology instead of throwing', async () => {
  const down = await new PrometheusTopology({ url: 'http://127.0.0.1:1' }).topology();
  assert.equal(down.targets[0]!.ok, false);
  assert.deepEqual(down.edges, []);
  await assert.rejects(new PrometheusTopology({ url: promUrl }).query('sum('), PrometheusQueryError);
  assert.throws(() => new PrometheusTopology({ url: 'nope' }), PrometheusQueryError);
});
