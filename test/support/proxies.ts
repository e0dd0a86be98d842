/**
 * Runs sidecar and gateway processes from `dist/` (as pods do) on random loopback addresses, and small HTTP
 * apps. Every process started here is killed by `killAll` (call it in `after`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

const children = new Set<ChildProcess>();

/**
 * The outbound proxy secret of sidecars started by tests: {@link spawnProxy} gives it to sidecars unless the env
 * names another, and {@link viaProxy} sends it unless told otherwise (the sidecar requires one).
 */
export const TEST_PROXY_SECRET = 'test-proxy-secret-0123456789abcdefghijklmnop';

/** `Proxy-Authorization` carrying `secret`, as curl sends it for `http://<user>:<secret>@host:port`. */
export function proxyCredential(secret: string = TEST_PROXY_SECRET): string {
  return `Basic ${Buffer.from(`test:${secret}`).toString('base64')}`;
}

/** A random loopback address in 127.20-250.x.y (any 127/8 address binds without root on Linux). */
export function randomLoopback(): string {
  const r = (lo: number, hi: number): number => lo + Math.floor(Math.random() * (hi - lo + 1));
  return `127.${r(20, 250)}.${r(1, 254)}.${r(1, 254)}`;
}

/** Fails clearly when dist is missing or older than the data plane sources. */
export function assertDistFresh(entry: string): string {
  const file = join(REPO_ROOT, 'dist', entry);
  if (!existsSync(file)) throw new Error(`${file} missing: run npm run build`);
  const src = join(REPO_ROOT, 'src', entry.replace(/\.js$/, '.ts'));
  if (existsSync(src) && statSync(src).mtimeMs > statSync(file).mtimeMs + 1000) {
    throw new Error(`${file} is older than ${src}: run npm run build`);
  }
  return file;
}

/** Environment of a proxy (contract C.env). */
export interface ProxyEnv {
  MB_XDS_ADDRESS: string;
  MB_POD_IP: string;
  MB_POD_NAME: string;
  MB_NAMESPACE: string;
  MB_CLUSTER: string;
  MB_CERT_DIR: string;
  [k: string]: string;
}

/** A started proxy process. */
export interface ProxyProcess {
  child: ChildProcess;
  podIp: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns `dist/dataplane/<entry>` and waits for its admin `/ready` (or, for gateways, its log line). */
export async function spawnProxy(
  entry: 'sidecar-main.js' | 'gateway-main.js',
  env: ProxyEnv | Record<string, string>,
  readyTimeoutMs = 60_000,
): Promise<ProxyProcess> {
  const podIp = env.MB_POD_IP;
  if (!podIp) throw new Error('MB_POD_IP is required');
  const file = assertDistFresh(join('dataplane', entry));
  const child = spawn(process.execPath, [file], {
    env: { PATH: process.env.PATH ?? '', MB_SERVED_BY_HEADER: '1', MB_PROXY_SECRET: TEST_PROXY_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const proc: ProxyProcess = {
    child,
    podIp,
    output: () => out,
    kill: (signal = 'SIGKILL') => void child.kill(signal),
  };
  const adminPort = Number(env.MB_ADMIN_PORT ?? 15000);
  const end = Date.now() + readyTimeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`${entry} exited: ${out}`);
    if (await isReady(podIp, adminPort)) return proc;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} not ready in ${readyTimeoutMs} ms: ${out}`);
}

function isReady(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/ready', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Kills every process started by this module. */
/**
 * Environment of a test East-West gateway `eastwest-gateway-1` in `istio-system` (a router node, no key), serving
 * :15443 on `addresses` (comma separated) and fed by the ADS server at `xdsAddress`.
 */
export function gatewayEnv(o: { xdsAddress: string; podIp: string; addresses: string }): Record<string, string> {
  return {
    MB_NAMESPACE: 'istio-system',
    MB_XDS_ADDRESS: o.xdsAddress,
    MB_POD_IP: o.podIp,
    MB_POD_NAME: 'eastwest-gateway-1',
    MB_NODE_ID: `router~${o.podIp}~eastwest-gateway-1.istio-system~istio-system.svc.cluster.local`,
    MB_GATEWAY_ADDRESSES: o.addresses,
    MB_CERT_DIR: '',
  };
}

/** The Prometheus text a proxy serves on `<ip>:15020/stats/prometheus`. */
export function proxyMetrics(ip: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: ip, port: 15020, path: '/stats/prometheus' }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

/** The value of counter `name` with exactly the one label `label="value"` in Prometheus `text` (0 when absent). */
export function counterValue(text: string, name: string, label: string, value: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${label}="${value}"} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}

/** A test app: answers with its name, counts requests and bytes received on its sockets. */
export interface TestApp {
  server: http.Server;
  host: string;
  port: number;
  name: string;
  requests: number;
  bytesReceived: number;
  close(): Promise<void>;
}

/** Starts an HTTP app on `host:port` (port 0 = any). `/status/<code>` answers that code; `/echo` echoes the body. */
export async function startApp(name: string, host: string, port = 0): Promise<TestApp> {
  const app: TestApp = {
    name,
    host,
    port: 0,
    requests: 0,
    bytesReceived: 0,
    server: http.createServer((req, res) => {
      app.requests++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = /^\/status\/(\d{3})/.exec(req.url ?? '');
        if (status) {
          res.writeHead(Number(status[1]));
          return void res.end(name);
        }
        // `/delay/<ms>`: a slow application.
        const delay = /^\/delay\/(\d+)/.exec(req.url ?? '');
        if (delay) {
          setTimeout(() => res.end(name), Number(delay[1]));
          return;
        }
        if (req.url?.startsWith('/echo')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          return void res.end(Buffer.concat(chunks));
        }
        res.writeHead(200, { 'content-type': 'text/plain', 'x-app': name });
        res.end(name);
      });
    }),
    close: () =>
      new Promise<void>((r) => {
        app.server.closeAllConnections();
        app.server.close(() => r());
      }),
  };
  // Count bytes at the socket too: security tests assert the app saw nothing at all.
  app.server.on('connection', (s) => s.on('data', (d: Buffer) => (app.bytesReceived += d.length)));
  await new Promise<void>((r) => app.server.listen(port, host, () => r()));
  app.port = (app.server.address() as { port: number }).port;
  return app;
}

/** Sends a request through a sidecar's explicit proxy (absolute-form target, like curl with http_proxy). */
export function viaProxy(
  proxy: { host: string; port?: number },
  url: string,
  options: {
    method?: string;
    body?: Buffer | string;
    agent?: http.Agent;
    timeoutMs?: number;
    /** `Proxy-Authorization` to send; default {@link proxyCredential}(), null sends none. */
    credential?: string | null;
  } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request(
      {
        host: proxy.host,
        port: proxy.port ?? 15001,
        method: options.method ?? 'GET',
        path: url,
        headers: {
          host: u.host,
          ...(options.credential === null ? {} : { 'proxy-authorization': options.credential ?? proxyCredential() }),
        },
        agent: options.agent,
        timeout: options.timeoutMs ?? 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An app running as its own process (so tests can kill -9 it). */
export interface AppProcess {
  child: ChildProcess;
  host: string;
  port: number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts an app process on `host:port` that answers its name in the body and in `x-app`. */
export async function spawnApp(name: string, host: string, port: number): Promise<AppProcess> {
  const script = `
    const http = require('node:http');
    const [name, host, port] = process.argv.slice(1);
    http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'x-app': name }); res.end(name); }); })
      .listen(Number(port), host, () => process.stdout.write('listening\\n'));`;
  const child = spawn(process.execPath, ['-e', script, name, host, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`app ${name} exited ${code}`)));
  });
  return {
    child,
    host,
    port,
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

/** Runs `concurrency` loops of requests through a proxy until `stop()`; counts outcomes by body. */
export function startLoad(
  proxy: { host: string },
  url: string,
  concurrency = 4,
): { stop(): Promise<{ ok: number; failed: number; failures: string[]; byBody: Record<string, number> }> } {
  let running = true;
  const stats = { ok: 0, failed: 0, failures: [] as string[], byBody: {} as Record<string, number> };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const r = await viaProxy(proxy, url, { agent, timeoutMs: 10_000 });
        if (r.status === 200) {
          stats.ok++;
          stats.byBody[r.body] = (stats.byBody[r.body] ?? 0) + 1;
        } else {
          stats.failed++;
          stats.failures.push(`${r.status} ${r.body}`);
        }
      } catch (err) {
        stats.failed++;
        stats.failures.push((err as Error).message);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return stats;
    },
  };
}
