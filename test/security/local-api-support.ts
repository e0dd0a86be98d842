/**
 * Test support for the local-api security suite: a whole embedded cluster (store, API server, controllers, pod
 * runner; no mesh) started in this process on its own loopback block, whose one image `counting/app` is a real
 * process that records every start and every request byte it receives in files the test reads. Raw HTTP requests
 * (node:http) so a test controls every header, Host included.
 */
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type RunningCluster } from '../../src/local/cluster.js';
import { clusterInfoFor } from '../../src/local/config.js';
import { newApiToken } from '../../src/local/server/guard.js';

/** An answer: status, headers and parsed JSON body (or the text). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  text: string;
}

/** A running in-process cluster with its counting app. */
export interface SecurityCluster {
  readonly cluster: RunningCluster;
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly dir: string;
  /** Sends a raw request; headers are sent as given (nothing added but Content-Length). */
  raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer>;
  /** Sends an authenticated JSON request to the cluster's own address. */
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<Answer>;
  /** Pod names the counting app started as, in order. */
  starts(): string[];
  /** Request bytes the counting app received in all. */
  bytesReceived(): number;
  /** What each start of the meshbridge image recorded. */
  meshbridgeRuns(): { pod: string; args: string[]; env: Record<string, string>; token?: string; namespace?: string }[];
  stop(): Promise<void>;
}

const APP = (dir: string) => `// Counting app: records its start and every request byte it receives.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
appendFileSync(${JSON.stringify(join(dir, 'starts.log'))}, (process.env.POD_NAME ?? '?') + '\\n');
createServer((req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    appendFileSync(${JSON.stringify(join(dir, 'bytes.log'))}, String(n + JSON.stringify(req.headers).length) + '\\n');
    res.end('counted');
  });
}).listen(Number(process.env.PORT ?? 8080), process.env.POD_IP ?? '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Stands in for the meshbridge image's entry: records the command line, its environment's meshbridge variables and
 * what its service account volume holds, then stays up.
 */
const MESHBRIDGE_RECORDER = (dir: string) => `import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const root = process.env.MESHBRIDGE_POD_ROOT ?? '';
const sa = root + '/var/run/secrets/kubernetes.io/serviceaccount';
appendFileSync(${JSON.stringify(join(dir, 'meshbridge-runs.log'))}, JSON.stringify({
  pod: process.env.POD_NAME,
  args: process.argv.slice(2),
  env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MESHBRIDGE_') || k.startsWith('KUBERNETES_'))),
  token: existsSync(sa + '/token') ? readFileSync(sa + '/token', 'utf8') : undefined,
  namespace: existsSync(sa + '/namespace') ? readFileSync(sa + '/namespace', 'utf8') : undefined,
}) + '\\n');
setInterval(() => {}, 60_000);
process.on('SIGTERM', () => process.exit(0));
`;

/** Starts the cluster (index picks the loopback block `127.<MESHBRIDGE_IP_BLOCK_BASE + index>`). */
export async function startSecurityCluster(index = 1): Promise<SecurityCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'mb-sec-'));
  const appFile = join(dir, 'counting-app.mjs');
  writeFileSync(appFile, APP(dir));
  const recorderFile = join(dir, 'meshbridge-recorder.mjs');
  writeFileSync(recorderFile, MESHBRIDGE_RECORDER(dir));
  const token = newApiToken();
  const info = clusterInfoFor({ name: `sec-${index}`, region: 'r', zone: 'z' }, index);
  const cluster = await startCluster({
    info,
    dir: join(dir, 'cluster'),
    home: dir,
    token,
    resolveImage: (image) =>
      image.startsWith('counting/app')
        ? { ok: true, entry: appFile, kind: 'app' }
        : image.startsWith('meshbridge/meshbridge')
          ? { ok: true, entry: recorderFile, kind: 'meshbridge' }
          : { ok: false, reason: `unknown image ${image}` },
    // The CA pods of the meshbridge image are given (its content does not matter to these tests).
    apiCaPem: 'test CA\n',
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    baseBackoffMs: 60_000,
  });
  const url = new URL(cluster.info.apiUrl ?? '');
  const raw = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          setHost: false,
          headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: Record<string, unknown> = {};
            try {
              parsed = JSON.parse(text) as Record<string, unknown>;
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const lines = (file: string): string[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
      : [];
  return {
    cluster,
    url: url.origin,
    host: url.host,
    port: Number(url.port),
    token,
    dir,
    raw,
    call: (method, path, body, contentType = 'application/json') =>
      raw(
        method,
        path,
        { host: url.host, authorization: `Bearer ${token}`, 'content-type': contentType },
        body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      ),
    starts: () => lines(join(dir, 'starts.log')),
    bytesReceived: () => lines(join(dir, 'bytes.log')).reduce((n, l) => n + Number(l), 0),
    meshbridgeRuns: () => lines(join(dir, 'meshbridge-runs.log')).map((l) => JSON.parse(l) as never),
    stop: async () => {
      await cluster.stop(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Pod of the counting app, with extra container fields. */
export function countingPod(name: string, container: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      containers: [{ name: 'app', image: 'counting/app:1', ports: [{ containerPort: 8080 }], ...container }],
      ...spec,
    },
  };
}

/** Waits `ms` milliseconds (time for the pod runner to act on what the store holds). */
export const settle = (ms = 1500): Promise<void> => new Promise((r) => setTimeout(r, ms));
