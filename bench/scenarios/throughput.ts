/**
 * Proxy throughput: autocannon (keep-alive, 1 KB responses) against a bare `http.Server`, then through one
 * sidecar to that same server, then through two sidecars with mTLS; CPU of the sidecars from their admin
 * `/server_info` (process.cpuUsage) gives vCPU per 1000 rps.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import type { BenchRow, Scenario } from '../lib/types.js';
import { BenchMesh, proxyCpuMicros, randomLoopback } from '../lib/mesh.js';
import { cdsFor, edsFor, ldsFor, rdsFor, serveSidecarConfig } from '../../test/support/xds-resources.js';
import { proxyCredential } from '../../test/support/proxies.js';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 6);
const CONNECTIONS = 16;

const scenario: Scenario = {
  name: 'throughput',
  description: 'requests/s through one sidecar and two sidecars (mTLS) vs a bare http.Server, and vCPU per 1000 rps',
  async run(): Promise<BenchRow[]> {
    const mesh = await BenchMesh.create();
    try {
      const [ipApp, ipA, ipB] = [1, 2, 3].map(() => randomLoopback()) as [string, string, string];
      await mesh.app(ipApp, 9080);
      const [adsA, adsB] = await Promise.all([mesh.adsServer(), mesh.adsServer()]);
      serveSidecarConfig(adsA, {
        podIp: ipA,
        namespace: 'bench',
        services: [
          { name: 'one', namespace: 'bench', port: 9080, endpoints: [{ address: ipApp, port: 9080 }] },
          {
            name: 'mtls',
            namespace: 'bench',
            port: 9080,
            endpoints: [{ address: ipB, port: 15006, tls: true }],
            identities: ['spiffe://cluster-1.local/ns/bench/sa/server'],
          },
        ],
      });
      adsB.set('cluster', cdsFor([], [{ port: 9080, app: ipApp, appPort: 9080 }]));
      adsB.set('endpoint', edsFor([]));
      adsB.set('route', rdsFor([], 'bench'));
      adsB.set('listener', ldsFor(ipB, [{ port: 9080, service: 'mtls.bench.svc.cluster.local' }]));
      await Promise.all([
        mesh.sidecar(ipA, adsA.address, 'client', 'cluster-1'),
        mesh.sidecar(ipB, adsB.address, 'server', 'cluster-1'),
      ]);
      const load = async (url: string, host: string) => {
        // The sidecars' outbound proxy requires the pod credential; the bare server ignores the header.
        const headers = { host, 'proxy-authorization': proxyCredential() };
        // Short warm-up (JIT, TLS sessions, pools), then the measured run.
        await autocannon({ url, connections: CONNECTIONS, duration: 1, headers });
        return autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
      };
      const bare = await load(`http://${ipApp}:9080/`, 'app');
      const cpuA0 = await proxyCpuMicros(ipA);
      const one = await load(`http://${ipA}:15001/`, 'one:9080');
      const cpuA1 = await proxyCpuMicros(ipA);
      const cpuB1 = await proxyCpuMicros(ipB);
      const two = await load(`http://${ipA}:15001/`, 'mtls:9080');
      const cpuA2 = await proxyCpuMicros(ipA);
      const cpuB2 = await proxyCpuMicros(ipB);
      const rps = (r: Result): number => r.requests.total / DURATION_S;
      const failed = (r: Result): number => r.errors + r.timeouts + r.non2xx;
      const bareRps = rps(bare);
      const vcpuPer1000 = (cpuMicros: number, r: Result): number => cpuMicros / 1e6 / DURATION_S / (rps(r) / 1000);
      // The CPU window includes the 1 s warm-up; scale the measured requests accordingly.
      const warmFactor = DURATION_S / (DURATION_S + 1);
      return [
        { scenario: 'throughput/bare-http-server', metric: 'rps', value: Math.round(bareRps), unit: 'req/s', ratio: 1 },
        {
          scenario: 'throughput/1-sidecar',
          metric: 'rps',
          value: Math.round(rps(one)),
          unit: 'req/s',
          ratio: r2(rps(one) / bareRps),
        },
        {
          scenario: 'throughput/1-sidecar',
          metric: 'vcpu_per_1000_rps',
          value: r3(vcpuPer1000((cpuA1 - cpuA0) * warmFactor, one)),
          unit: 'vCPU',
          ratio: null,
        },
        { scenario: 'throughput/1-sidecar', metric: 'p50_latency', value: one.latency.p50, unit: 'ms', ratio: null },
        {
          scenario: 'throughput/1-sidecar',
          metric: 'failed_requests',
          value: failed(one),
          unit: 'requests',
          ratio: null,
        },
        {
          scenario: 'throughput/2-sidecars-mtls',
          metric: 'rps',
          value: Math.round(rps(two)),
          unit: 'req/s',
          ratio: r2(rps(two) / bareRps),
        },
        {
          // Both sidecars' CPU: the client side (TLS origination) and the server side (TLS termination).
          scenario: 'throughput/2-sidecars-mtls',
          metric: 'vcpu_per_1000_rps_both_sidecars',
          value: r3(vcpuPer1000((cpuA2 - cpuA1 + (cpuB2 - cpuB1)) * warmFactor, two)),
          unit: 'vCPU',
          ratio: null,
        },
        {
          scenario: 'throughput/2-sidecars-mtls',
          metric: 'failed_requests',
          value: failed(two),
          unit: 'requests',
          ratio: null,
        },
      ];
    } finally {
      await mesh.close();
    }
  },
};

const r2 = (x: number): number => Math.round(x * 100) / 100;
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export default scenario;
