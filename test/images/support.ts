/**
 * Test support for the built-in images: a fresh build check, random loopback addresses, pods started as real
 * processes, and a tiny explicit HTTP proxy standing in for the sidecar.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { checkProxyAuthorization, newProxySecret, refuseProxyRequest } from '../../src/dataplane/sidecar/proxy-auth.js';
import { REPO_ROOT } from '../support/paths.js';

const SRC = join(REPO_ROOT, 'src', 'local', 'images');
const DIST = join(REPO_ROOT, 'dist', 'local', 'images');

function stale(): string[] {
  return readdirSync(SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .filter((f) => {
      try {
        return statSync(join(DIST, f.replace(/\.ts$/, '.js'))).mtimeMs < statSync(join(SRC, f)).mtimeMs;
      } catch {
        return true;
      }
    });
}

/** Makes sure dist/local/images is compiled from the current sources (pods run compiled JS, never tsx). */
export function ensureImagesBuilt(): void {
  if (stale().length === 0) return;
  spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    },
  );
  const left = stale();
  if (left.length > 0) throw new Error(`build did not produce fresh dist/local/images for ${left.join(', ')}`);
}

/** A random loopback address 127.<20..250>.<0..255>.<1..254>, so parallel suites do not collide. */
export function randomLoopback(): string {
  const r = (lo: number, hi: number): number => lo + Math.floor(Math.random() * (hi - lo + 1));
  return `127.${r(20, 250)}.${r(0, 255)}.${r(1, 254)}`;
}

/** A running pod process. */
export interface Pod {
  ip: string;
  port: number;
  /** The pod's working directory (its counters file is written here). */
  dir: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `node <entry>` with a pod's environment, in a fresh working directory (`dir`, as the pod runner gives
 * each pod its state directory; the app writes its counters there), and resolves once it logged that it listens.
 */
export function startPod(entry: string, env: Record<string, string>, ready = /listening on /): Promise<Pod> {
  const ip = env.POD_IP ?? randomLoopback();
  const port = Number(env.PORT ?? '9080');
  const dir = mkdtempSync(join(tmpdir(), 'mb-pod-'));
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', POD_IP: ip, PORT: String(port), NO_PROXY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }).finally(() => rmSync(dir, { recursive: true, force: true }));
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${entry} not ready within 10 s: ${out}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (!settled && ready.test(out)) {
        settled = true;
        clearTimeout(timer);
        resolve({ ip, port, dir, child, output: () => out, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code ?? signal}) before ready: ${out}`));
    });
  });
}

/** One request the test proxy saw. */
export interface ProxiedRequest {
  from: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** How the test proxy handles a host: forward to an address (tagging the answer with a served-by value), or hang. */
export type Route = { kind: 'forward'; address: string; port: number; servedBy: string } | { kind: 'hang' };

/**
 * The sidecar stand-in: an explicit HTTP proxy that routes by `host:port` of absolute-form requests and, like the
 * sidecar, answers 407 to requests without the credential in its URL's userinfo.
 */
export interface TestProxy {
  /** `http://apps:<secret>@<ip>:<port>`: what the pod runner puts into HTTP_PROXY. */
  url: string;
  /** Requests refused for a missing or wrong credential. */
  refused: number;
  routes: Map<string, Route>;
  seen: ProxiedRequest[];
  close: () => Promise<void>;
}

/**
 * Starts the proxy on `ip`, port 0. Unknown hosts and unreachable targets get 503 like Envoy's
 * "no healthy upstream"; a `hang` route never answers (to exercise the app's timeout).
 */
export async function startTestProxy(ip: string): Promise<TestProxy> {
  const routes = new Map<string, Route>();
  const seen: ProxiedRequest[] = [];
  const secret = newProxySecret();
  const server = http.createServer((req, res) => {
    const auth = checkProxyAuthorization(req.headers['proxy-authorization'], secret);
    if (!auth.ok) {
      proxy.refused++;
      return refuseProxyRequest(req, res, auth.reason);
    }
    seen.push({ from: req.socket.remoteAddress ?? '', url: req.url ?? '', headers: req.headers });
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    const route = routes.get(target.host);
    if (route?.kind === 'hang') return;
    if (route === undefined) {
      res.writeHead(503).end('no healthy upstream');
      return;
    }
    const { 'proxy-authorization': _credential, ...upstreamHeaders } = req.headers;
    const upstream = http.request(
      {
        host: route.address,
        port: route.port,
        method: req.method,
        path: target.pathname + target.search,
        headers: upstreamHeaders,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, { ...up.headers, 'x-meshbridge-served-by': route.servedBy });
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(503).end('upstream connect error');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: TestProxy = {
    url: `http://apps:${secret}@${ip}:${port}`,
    refused: 0,
    routes,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** Plain GET returning status, headers and body. */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}
