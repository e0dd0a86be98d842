/**
 * Test support: one local cluster API as `local up` serves it (HTTPS with a serving certificate from a fresh CA,
 * one bearer token: kubectl sends tokens over TLS only) started in this process on 127.0.0.1 port 0, a 0600
 * kubeconfig for it, the real kubectl (`/usr/bin/kubectl`) run against it asynchronously (the API server answering
 * it runs in this process, so a synchronous spawn would block it), and a client-node client.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCA } from '../../src/identity/index.js';
import { createClusterClient, loadKubeConfig, type ClusterClient } from '../../src/kube/client.js';
import { startApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { issueServingCertificate } from '../../src/local/server/tls.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { REPO_ROOT } from '../support/paths.js';

/** The kubectl the tests run; a missing one fails the suite by name. */
export const KUBECTL = '/usr/bin/kubectl';

/** What a command run produced. */
export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, asynchronously, stdin from `input`. */
export function run(cmd: string, args: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** A running API with kubectl and client-node pointed at it. */
export interface KubectlApi {
  readonly dir: string;
  readonly client: ClusterClient;
  /** Runs kubectl; fails the test on a non-zero exit unless `allowFail`. */
  kubectl(args: readonly string[], opts?: { input?: string; allowFail?: boolean }): Promise<RunResult>;
  /** `kubectl ... -o json`, parsed. */
  json<T>(args: readonly string[]): Promise<T>;
  stop(): Promise<void>;
}

/** Data rows of a kubectl table (header dropped), each split on runs of spaces. */
export const rows = (table: string): string[][] =>
  table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s{2,}/));

/** Starts the API (context and cluster name `cluster-1`). */
export async function startKubectlApi(): Promise<KubectlApi> {
  if (!existsSync(KUBECTL)) throw new Error(`these tests need the real kubectl at ${KUBECTL}`);
  const dir = mkdtempSync(join(tmpdir(), 'mb-kubectl-api-'));
  const ca = await createRootCA({ commonName: 'kubectl test API CA' });
  const token = newApiToken();
  const store = new ClusterStore({ file: join(dir, 'store.db') });
  const server = await startApiServer({
    store,
    host: '127.0.0.1',
    port: 0,
    token,
    tls: await issueServingCertificate(ca, '127.0.0.1'),
  });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'cluster-1',
          cluster: { server: server.url, 'certificate-authority-data': Buffer.from(ca.certPem).toString('base64') },
        },
      ],
      users: [{ name: 'admin', user: { token } }],
      contexts: [{ name: 'cluster-1', context: { cluster: 'cluster-1', user: 'admin' } }],
      'current-context': 'cluster-1',
    }),
    { mode: 0o600 },
  );
  const client = createClusterClient({
    name: 'cluster-1',
    kubeConfig: loadKubeConfig({ path: kubeconfig, context: 'cluster-1' }),
  });
  const kubectl: KubectlApi['kubectl'] = async (args, opts = {}) => {
    const r = await run(KUBECTL, ['--kubeconfig', kubeconfig, '--context', 'cluster-1', ...args], opts.input);
    if (!opts.allowFail) assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  return {
    dir,
    client,
    kubectl,
    json: async <T>(args: readonly string[]) => JSON.parse((await kubectl([...args, '-o', 'json'])).stdout) as T,
    stop: async () => {
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
