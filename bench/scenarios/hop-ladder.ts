/**
 * Hop ladder: the same 1 KB GET, sequentially over keep-alive, through more and more of the mesh, measured
 * side by side in interleaved rounds (so machine noise hits every rung alike). Ratios are to the direct call.
 *
 * Rungs: direct (client -> app); three peers in front of the same app (a minimal Node reverse proxy, the floor for a
 * Node proxy; nginx with one worker; haproxy with one thread: bench/lib/peers.ts); 1 sidecar (client -> A -> app),
 * and the same through a sidecar with its fast path off (`MB_HTTP_FAST_PATH=0`: Node's HTTP server and client);
 * 2 sidecars with mTLS (A -> B's inbound :15006); cross-cluster (A -> EW gateway :15443 -> B's inbound, mTLS end
 * to end). The sidecar's added p50 is also given as a ratio to the Node floor's and to nginx's. Requests to A carry the pod credential
 * its outbound proxy requires. (No plaintext sidecar -> sidecar rung: a sidecar's outbound proxy only serves its
 * own pod's app, so another sidecar cannot be chained in front of it.)
 */
import http from 'node:http';
import type { BenchRow, Scenario } from '../lib/types.js';
import { BenchMesh, percentile, randomLoopback } from '../lib/mesh.js';
import {
  cdsFor,
  eastWestLdsFor,
  edsFor,
  ldsFor,
  rdsFor,
  serveSidecarConfig,
} from '../../test/support/xds-resources.js';
import type { TestService } from '../../test/support/xds-resources.js';
import { proxyCredential } from '../../test/support/proxies.js';
import { ensurePeerTools, PeerSet, type PeerKind } from '../lib/peers.js';

const WARMUP = 200;
const ROUNDS = 10;
const PER_ROUND = 150;

const svc = (name: string, address: string, port: number, tls = false): TestService => ({
  name,
  namespace: 'bench',
  port: 9080,
  endpoints: [{ address, port, tls }],
  // The server sidecar's identity (BenchMesh names service accounts after pods).
  identities: ['spiffe://cluster-2.local/ns/bench/sa/server'],
});

function requester(host: string, port: number, hostHeader: string, viaSidecar = true): () => Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { host: hostHeader, ...(viaSidecar ? { 'proxy-authorization': proxyCredential() } : {}) };
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request({ host, port, path: '/', agent, headers }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`${hostHeader}: HTTP ${res.statusCode}`));
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', reject);
      req.end();
    });
}

const scenario: Scenario = {
  name: 'hop-ladder',
  description:
    'p50/p90 latency of one request through 0..3 proxies and through nginx, haproxy and a minimal Node proxy, ' +
    'ratios to the direct call',
  async run(): Promise<BenchRow[]> {
    ensurePeerTools();
    const mesh = await BenchMesh.create();
    const peers = new PeerSet();
    try {
      const [ipApp, ipA, ipB, ipGw, lbGw, ipN] = [1, 2, 3, 4, 5, 6].map(() => randomLoopback()) as [
        string,
        string,
        string,
        string,
        string,
        string,
      ];
      await mesh.app(ipApp, 9080);
      const [adsA, adsB, adsGw, adsN] = await Promise.all([
        mesh.adsServer(),
        mesh.adsServer(),
        mesh.adsServer(),
        mesh.adsServer(),
      ]);
      serveSidecarConfig(adsN, { podIp: ipN, namespace: 'bench', services: [svc('one', ipApp, 9080)] });
      serveSidecarConfig(adsA, {
        podIp: ipA,
        namespace: 'bench',
        services: [svc('one', ipApp, 9080), svc('mtls', ipB, 15006, true), svc('xc', lbGw, 15443, true)],
      });
      adsB.set('cluster', cdsFor([], [{ port: 9080, app: ipApp, appPort: 9080 }]));
      adsB.set('endpoint', edsFor([]));
      adsB.set('route', rdsFor([], 'bench'));
      adsB.set(
        'listener',
        ldsFor(ipB, [
          { port: 9080, service: 'mtls.bench.svc.cluster.local' },
          { port: 9080, service: 'xc.bench.svc.cluster.local' },
        ]),
      );
      const gwServices = [svc('xc', ipB, 15006, true)];
      adsGw.set('cluster', cdsFor(gwServices));
      adsGw.set('endpoint', edsFor(gwServices));
      // The gateway forwards only SNIs its eastwest listener routes (what a Gateway exports).
      adsGw.set('listener', eastWestLdsFor(lbGw, gwServices));
      await Promise.all([
        mesh.sidecar(ipA, adsA.address, 'client', 'cluster-1'),
        mesh.sidecar(ipB, adsB.address, 'server', 'cluster-2'),
        mesh.gateway(ipGw, lbGw, adsGw.address),
        mesh.sidecar(ipN, adsN.address, 'client-node-http', 'cluster-1', { MB_HTTP_FAST_PATH: '0' }),
      ]);
      const peerRungs: Array<[PeerKind, string]> = (['node-proxy', 'nginx', 'haproxy'] as const).map((k) => [
        k,
        randomLoopback(),
      ]);
      await Promise.all(peerRungs.map(([kind, ip]) => peers.start(kind, ip, 9080, { host: ipApp, port: 9080 })));
      const rungs: Array<[string, () => Promise<void>]> = [
        ['direct', requester(ipApp, 9080, 'app', false)],
        ...peerRungs.map(([kind, ip]): [string, () => Promise<void>] => [kind, requester(ip, 9080, 'app', false)]),
        ['1-sidecar', requester(ipA, 15001, 'one:9080')],
        ['1-sidecar-node-http', requester(ipN, 15001, 'one:9080')],
        ['2-sidecars-mtls', requester(ipA, 15001, 'mtls:9080')],
        ['sidecar-gateway-sidecar-mtls', requester(ipA, 15001, 'xc:9080')],
      ];
      const samples = new Map<string, number[]>(rungs.map(([n]) => [n, []]));
      for (const [, send] of rungs) for (let i = 0; i < WARMUP; i++) await send();
      for (let r = 0; r < ROUNDS; r++) {
        for (const [name, send] of rungs) {
          const out = samples.get(name)!;
          for (let i = 0; i < PER_ROUND; i++) {
            const t0 = process.hrtime.bigint();
            await send();
            out.push(Number(process.hrtime.bigint() - t0) / 1000);
          }
        }
      }
      const stats = new Map(
        [...samples].map(([n, xs]) => {
          const s = [...xs].sort((a, b) => a - b);
          return [n, { p50: percentile(s, 50), p90: percentile(s, 90) }];
        }),
      );
      const direct = stats.get('direct')!;
      const rows: BenchRow[] = [];
      for (const [name, s] of stats) {
        rows.push({
          scenario: `hop-ladder/${name}`,
          metric: 'p50',
          value: round(s.p50),
          unit: 'us',
          ratio: round(s.p50 / direct.p50, 2),
        });
        rows.push({
          scenario: `hop-ladder/${name}`,
          metric: 'p90',
          value: round(s.p90),
          unit: 'us',
          ratio: round(s.p90 / direct.p90, 2),
        });
      }
      // Overheads: what the proxies add to the direct p50, and cross-cluster vs the 2-sidecar mTLS path.
      const over = (n: string): number => (stats.get(n)?.p50 ?? NaN) - direct.p50;
      for (const [kind] of peerRungs) {
        rows.push({
          scenario: `hop-ladder/${kind}`,
          metric: 'added_p50',
          value: round(over(kind)),
          unit: 'us',
          ratio: null,
        });
      }
      // The goals: the sidecar's added p50 at or under the Node floor's, and within 2x of nginx's.
      for (const peer of ['node-proxy', 'nginx', 'haproxy']) {
        rows.push({
          scenario: 'hop-ladder/1-sidecar',
          metric: `added_p50_vs_${peer}`,
          value: round(over('1-sidecar') / over(peer), 2),
          unit: 'x',
          ratio: null,
        });
      }
      rows.push({
        scenario: 'hop-ladder/1-sidecar',
        metric: 'added_p50',
        value: round(over('1-sidecar')),
        unit: 'us',
        ratio: null,
      });
      // What the fast path saves: the same sidecar with Node's HTTP server and client only.
      rows.push({
        scenario: 'hop-ladder/1-sidecar-node-http',
        metric: 'added_p50',
        value: round(over('1-sidecar-node-http')),
        unit: 'us',
        ratio: null,
      });
      rows.push({
        scenario: 'hop-ladder/1-sidecar',
        metric: 'added_p50_vs_node-http',
        value: round(over('1-sidecar') / over('1-sidecar-node-http'), 2),
        unit: 'x',
        ratio: null,
      });
      rows.push({
        scenario: 'hop-ladder/2-sidecars-mtls',
        metric: 'added_p50',
        value: round(over('2-sidecars-mtls')),
        unit: 'us',
        ratio: null,
      });
      rows.push({
        scenario: 'hop-ladder/sidecar-gateway-sidecar-mtls',
        metric: 'added_p50',
        value: round(over('sidecar-gateway-sidecar-mtls')),
        unit: 'us',
        ratio: round(over('sidecar-gateway-sidecar-mtls') / over('2-sidecars-mtls'), 2),
      });
      return rows;
    } finally {
      peers.close();
      await mesh.close();
    }
  },
};

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export default scenario;
