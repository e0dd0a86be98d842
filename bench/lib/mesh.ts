/**
 * A small benchmark mesh: app processes, sidecars and a gateway from `dist/` on random loopback addresses, fed
 * by in-process ADS servers with contract-C resources. Reuses the test harness so benches and tests build the
 * same topology.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { startTestAdsServer } from '../../test/support/ads-server.js';
import type { TestAdsServer } from '../../test/support/ads-server.js';
import { createTestPki } from '../../test/support/pki.js';
import type { TestPki } from '../../test/support/pki.js';
import { killAll, randomLoopback, spawnProxy } from '../../test/support/proxies.js';
import type { ProxyProcess } from '../../test/support/proxies.js';

export { randomLoopback };

/** Everything a scenario started, for cleanup. */
export class BenchMesh {
  private readonly ads: TestAdsServer[] = [];
  private readonly apps: ChildProcess[] = [];
  pki!: TestPki;

  static async create(): Promise<BenchMesh> {
    const m = new BenchMesh();
    m.pki = await createTestPki();
    return m;
  }

  async adsServer(): Promise<TestAdsServer> {
    const s = await startTestAdsServer();
    this.ads.push(s);
    return s;
  }

  /** An app process answering every request with `bodyBytes` bytes (keep-alive). */
  async app(host: string, port: number, bodyBytes = 1024): Promise<{ host: string; port: number; pid: number }> {
    const script = `
      const http = require('node:http');
      const body = Buffer.alloc(Number(process.argv[3]), 120);
      http.createServer((req, res) => { req.resume(); res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }); res.end(body); })
        .listen(Number(process.argv[2]), process.argv[1], () => process.stdout.write('ok\\n'));`;
    const child = spawn(process.execPath, ['-e', script, host, String(port), String(bodyBytes)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.apps.push(child);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once('data', () => resolve());
      child.once('exit', (c) => reject(new Error(`bench app exited ${c}`)));
    });
    return { host, port, pid: child.pid ?? 0 };
  }

  /** A sidecar; `env` adds proxy settings (e.g. `MB_HTTP_FAST_PATH: '0'` for Node's HTTP server and client only). */
  async sidecar(
    ip: string,
    xds: string,
    pod: string,
    cluster: string,
    env: Record<string, string> = {},
  ): Promise<ProxyProcess> {
    return spawnProxy('sidecar-main.js', {
      ...env,
      MB_XDS_ADDRESS: xds,
      MB_POD_IP: ip,
      MB_POD_NAME: pod,
      MB_NAMESPACE: 'bench',
      MB_CLUSTER: cluster,
      MB_CERT_DIR: await this.pki.workloadDir(`${cluster}.local`, 'bench', pod),
    });
  }

  async gateway(ip: string, lb: string, xds: string): Promise<ProxyProcess> {
    return spawnProxy('gateway-main.js', {
      MB_XDS_ADDRESS: xds,
      MB_POD_IP: ip,
      MB_POD_NAME: 'eastwest-gateway-bench',
      MB_NAMESPACE: 'istio-system',
      MB_CLUSTER: 'cluster-2',
      MB_NODE_ID: `router~${ip}~eastwest-gateway-bench.istio-system~istio-system.svc.cluster.local`,
      MB_GATEWAY_ADDRESSES: lb,
      MB_CERT_DIR: '',
    });
  }

  async close(): Promise<void> {
    killAll();
    for (const a of this.apps) a.kill('SIGKILL');
    await Promise.all(this.ads.map((s) => s.close()));
  }
}

/** CPU time (user+system, µs) a proxy reports on its admin `/server_info`. */
export function proxyCpuMicros(ip: string, adminPort = 15000): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: ip, port: adminPort, path: '/server_info' }, (res) => {
        let s = '';
        res.on('data', (c: Buffer) => (s += c.toString()));
        res.on('end', () => {
          const info = JSON.parse(s) as { cpu_us: { user: number; system: number } };
          resolve(info.cpu_us.user + info.cpu_us.system);
        });
      })
      .on('error', reject);
  });
}

/** Percentile of a sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
