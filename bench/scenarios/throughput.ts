/**
 * Proxy throughput: autocannon (keep-alive, 1 KB responses) against a bare `http.Server`, through three peers in
 * front of it (a minimal Node reverse proxy, nginx with one worker, haproxy with one thread: bench/lib/peers.ts),
 * through one sidecar to that same server (and through one with its fast path off, `MB_HTTP_FAST_PATH=0`), and through two sidecars with mTLS, in interleaved slices; CPU of the
 * sidecars from their admin `/server_info` (process.cpuUsage) gives vCPU per 1000 rps.
 */
import autocannon from 'autocannon';
import type { BenchRow, Scenario } from '../lib/types.js';
import { BenchMesh, proxyCpuMicros, randomLoopback } from '../lib/mesh.js';
import { cdsFor, edsFor, ldsFor, rdsFor, serveSidecarConfig } from '../../test/support/xds-resources.js';
import { proxyCredential } from '../../test/support/proxies.js';
import { ensurePeerTools, PeerSet, type PeerKind } from '../lib/peers.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 6);
/** Each target's measured time is split into this many slices, visited in turn. */
const ROUNDS = 2;
const SLICE_S = Math.max(1, Math.round(DURATION_S / ROUNDS));
const CONNECTIONS = 16;
const PEERS: readonly PeerKind[] = ['node-proxy', 'nginx', 'haproxy'];

/** One measured target; `cpu` lists the sidecars whose CPU it costs. */
interface Target {
  name: string;
  url: string;
  host: string;
  cpu?: string[];
}

const headersOf = (t: Target): Record<string, string> => ({ host: t.host, 'proxy-authorization': proxyCredential() });
const cpuOf = async (t: Target): Promise<number> =>
  (await Promise.all((t.cpu ?? []).map((ip) => proxyCpuMicros(ip)))).reduce((a, b) => a + b, 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const scenario: Scenario = {
  name: 'throughput',
  description:
    'requests/s through a minimal Node proxy, nginx, haproxy, one sidecar and two sidecars (mTLS), interleaved, ' +
    'vs a bare http.Server, and vCPU per 1000 rps',
  async run(): Promise<BenchRow[]> {
    ensurePeerTools();
    const mesh = await BenchMesh.create();
    const peers = new PeerSet();
    try {
      const [ipApp, ipA, ipB, ipN] = [1, 2, 3, 4].map(() => randomLoopback()) as [string, string, string, string];
      await mesh.app(ipApp, 9080);
      const [adsA, adsB, adsN] = await Promise.all([mesh.adsServer(), mesh.adsServer(), mesh.adsServer()]);
      const services = [
        { name: 'one', namespace: 'bench', port: 9080, endpoints: [{ address: ipApp, port: 9080 }] },
        {
          name: 'mtls',
          namespace: 'bench',
          port: 9080,
          endpoints: [{ address: ipB, port: 15006, tls: true }],
          identities: ['spiffe://cluster-1.local/ns/bench/sa/server'],
        },
      ];
      // The client sidecar twice: with its fast path (A) and with Node's HTTP server and client only (N).
      serveSidecarConfig(adsA, { podIp: ipA, namespace: 'bench', services });
      serveSidecarConfig(adsN, { podIp: ipN, namespace: 'bench', services });
      adsB.set('cluster', cdsFor([], [{ port: 9080, app: ipApp, appPort: 9080 }]));
      adsB.set('endpoint', edsFor([]));
      adsB.set('route', rdsFor([], 'bench'));
      adsB.set('listener', ldsFor(ipB, [{ port: 9080, service: 'mtls.bench.svc.cluster.local' }]));
      await Promise.all([
        mesh.sidecar(ipA, adsA.address, 'client', 'cluster-1'),
        mesh.sidecar(ipB, adsB.address, 'server', 'cluster-1'),
        mesh.sidecar(ipN, adsN.address, 'client-node-http', 'cluster-1', { MB_HTTP_FAST_PATH: '0' }),
      ]);
      const peerIps = new Map<PeerKind, string>(PEERS.map((k) => [k, randomLoopback()]));
      await Promise.all(PEERS.map((k) => peers.start(k, peerIps.get(k) as string, 9080, { host: ipApp, port: 9080 })));
      // The sidecars' outbound proxy requires the pod credential; the bare server and the peers ignore the header.
      const targets: Target[] = [
        { name: 'bare-http-server', url: `http://${ipApp}:9080/`, host: 'app' },
        ...PEERS.map((k): Target => ({ name: k, url: `http://${peerIps.get(k) ?? ''}:9080/`, host: 'app' })),
        { name: '1-sidecar', url: `http://${ipA}:15001/`, host: 'one:9080', cpu: [ipA] },
        { name: '1-sidecar-node-http', url: `http://${ipN}:15001/`, host: 'one:9080', cpu: [ipN] },
        { name: '2-sidecars-mtls', url: `http://${ipA}:15001/`, host: 'mtls:9080', cpu: [ipA, ipB] },
        { name: '2-sidecars-mtls-node-http', url: `http://${ipN}:15001/`, host: 'mtls:9080', cpu: [ipN, ipB] },
      ];
      const totals = new Map<string, { requests: number; failed: number; cpuMicros: number; p50: number[] }>(
        targets.map((t) => [t.name, { requests: 0, failed: 0, cpuMicros: 0, p50: [] }]),
      );
      // Short warm-up of every target (JIT, TLS sessions, pools), then rounds that visit each target in turn, so
      // machine noise hits every rung alike.
      for (const t of targets)
        await autocannon({ url: t.url, connections: CONNECTIONS, duration: 1, headers: headersOf(t) });
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of targets) {
          const cpu0 = await cpuOf(t);
          const r = await autocannon({
            url: t.url,
            connections: CONNECTIONS,
            duration: SLICE_S,
            headers: headersOf(t),
          });
          const acc = totals.get(t.name)!;
          acc.cpuMicros += (await cpuOf(t)) - cpu0;
          acc.requests += r.requests.total;
          acc.failed += r.errors + r.timeouts + r.non2xx;
          acc.p50.push(r.latency.p50);
        }
      }
      const seconds = SLICE_S * ROUNDS;
      const rps = (name: string): number => (totals.get(name)?.requests ?? 0) / seconds;
      const bareRps = rps('bare-http-server');
      const rows: BenchRow[] = [];
      for (const t of targets) {
        const acc = totals.get(t.name)!;
        const scenario = `throughput/${t.name}`;
        rows.push({
          scenario,
          metric: 'rps',
          value: Math.round(rps(t.name)),
          unit: 'req/s',
          ratio: r2(rps(t.name) / bareRps),
        });
        if (t.name === 'bare-http-server') continue;
        if (t.cpu) {
          rows.push({
            scenario,
            // Two sidecars: the client side (TLS origination) and the server side (TLS termination) together.
            metric: t.cpu.length > 1 ? 'vcpu_per_1000_rps_both_sidecars' : 'vcpu_per_1000_rps',
            value: r3(acc.cpuMicros / 1e6 / seconds / (rps(t.name) / 1000)),
            unit: 'vCPU',
            ratio: null,
          });
        }
        rows.push({ scenario, metric: 'p50_latency', value: median(acc.p50), unit: 'ms', ratio: null });
        rows.push({ scenario, metric: 'failed_requests', value: acc.failed, unit: 'requests', ratio: null });
      }
      return rows;
    } finally {
      peers.close();
      await mesh.close();
    }
  },
};

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export default scenario;
