/**
 * Peer proxies for side-by-side rungs (issue: every ratio measured in the same run): nginx (one worker) and
 * haproxy (one thread) from Debian's packages, and a minimal Node reverse proxy (http.createServer piping to an
 * `http.Agent` with keep-alive: the floor for any proxy written in Node). Each forwards plain HTTP/1.1 with
 * keep-alive on both sides to one upstream, which is what the sidecar's 1-sidecar rung does, so the rungs compare
 * the proxy and nothing else. Every process started here is killed by {@link PeerSet.close}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The peers a rung can use. */
export type PeerKind = 'nginx' | 'haproxy' | 'node-proxy';

/** Debian packages providing the peer binaries. */
const PACKAGES: Record<'nginx' | 'haproxy', string> = { nginx: 'nginx-light', haproxy: 'haproxy' };
const BINARIES: Record<'nginx' | 'haproxy', string> = { nginx: '/usr/sbin/nginx', haproxy: '/usr/sbin/haproxy' };

const has = (bin: string): boolean => spawnSync(bin, ['-v'], { stdio: 'ignore' }).status === 0;

/**
 * Makes sure nginx and haproxy are installed: as root with apt-get, the missing Debian packages are installed
 * (saying so); otherwise a missing one is an error naming the package, never a silently skipped rung.
 */
export function ensurePeerTools(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): void {
  const missing = (Object.keys(BINARIES) as Array<keyof typeof BINARIES>).filter((k) => !has(BINARIES[k]));
  if (missing.length === 0) return;
  const pkgs = missing.map((k) => PACKAGES[k]);
  const root = process.getuid?.() === 0;
  if (root && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    log(`bench: installing ${pkgs.join(', ')} (peer rungs) with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  }
  const still = missing.filter((k) => !has(BINARIES[k]));
  if (still.length > 0) {
    throw new Error(
      `the peer rungs need ${still.join(' and ')}: install the Debian packages ${still.map((k) => PACKAGES[k]).join(' ')}`,
    );
  }
}

/** Resolves once `host:port` accepts a TCP connection (or rejects after `timeoutMs`). */
async function listening(
  host: string,
  port: number,
  what: string,
  child: ChildProcess,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function nginxConfig(dir: string, listen: string, upstream: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app { server ${upstream}; keepalive 64; }
  server {
    listen ${listen};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`;
}

function haproxyConfig(listen: string, upstream: string): string {
  return `global
  nbthread 1
  maxconn 8192
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend bench
  bind ${listen}
  default_backend app
backend app
  server app ${upstream}
`;
}

// The floor for a Node proxy: no routing, no retries, no metrics; hop-by-hop headers dropped as a proxy must.
const NODE_PROXY = `
const http = require('node:http');
const [host, port, upHost, upPort] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const HOP = new Set(['connection', 'keep-alive', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
http.createServer((req, res) => {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
  const up = http.request({ host: upHost, port: Number(upPort), method: req.method, path: req.url, headers, agent }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
  req.pipe(up);
}).listen(Number(port), host);
`;

/** The peer proxies of one scenario. */
export class PeerSet {
  private readonly children: ChildProcess[] = [];
  private readonly dirs: string[] = [];

  /** Starts `kind` on `ip:port` forwarding to `upstream` (`host:port`); resolves once it listens. */
  async start(kind: PeerKind, ip: string, port: number, upstream: { host: string; port: number }): Promise<void> {
    const listen = `${ip}:${port}`;
    const up = `${upstream.host}:${upstream.port}`;
    let child: ChildProcess;
    if (kind === 'node-proxy') {
      child = spawn(process.execPath, ['-e', NODE_PROXY, ip, String(port), upstream.host, String(upstream.port)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    } else {
      const dir = mkdtempSync(join(tmpdir(), `mb-bench-${kind}-`));
      this.dirs.push(dir);
      const conf = join(dir, `${kind}.conf`);
      if (kind === 'nginx') {
        writeFileSync(conf, nginxConfig(dir, listen, up));
        child = spawn(BINARIES.nginx, ['-p', dir, '-e', join(dir, 'error.log'), '-c', conf], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
      } else {
        writeFileSync(conf, haproxyConfig(listen, up));
        child = spawn(BINARIES.haproxy, ['-db', '-f', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
      }
    }
    this.children.push(child);
    await listening(ip, port, kind, child);
  }

  close(): void {
    for (const c of this.children) c.kill('SIGKILL');
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}
