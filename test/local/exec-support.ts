/**
 * Test support for `kubectl exec` against an embedded cluster: one cluster (store, HTTPS API with its serving
 * certificate, controllers, pod runner; no mesh) started in this process on the loopback block
 * `MESHBRIDGE_IP_BLOCK_BASE + index`, a kubeconfig for it written as `local up` writes one, a `sleep` Deployment in
 * namespace `bookinfo` (and, with `web`, a `web` Deployment answering HTTP on 8080 behind Service `web` port 80),
 * and real kubectl (`/usr/bin/kubectl`) run against it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCA } from '../../src/identity/index.js';
import { startCluster, type RunningCluster } from '../../src/local/cluster.js';
import { clusterInfoFor } from '../../src/local/config.js';
import { writeKubeconfig } from '../../src/local/lifecycle/kubeconfig.js';
import { issueServingCertificate } from '../../src/local/server/tls.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { REPO_ROOT } from '../support/paths.js';
import { eventually } from './process-support.js';

/** The kubectl the tests run; a missing one fails the suite by name. */
export const KUBECTL = '/usr/bin/kubectl';

/** What a kubectl run produced. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running cluster with a ready `sleep` pod in `bookinfo`. */
export interface ExecCluster {
  readonly cluster: RunningCluster;
  readonly dir: string;
  readonly kubeconfig: string;
  /** The sleep pod's name. */
  readonly pod: string;
  /**
   * Runs kubectl against the cluster (context = cluster name), stdin from `input`. Asynchronous: the API server
   * runs in this process, so a synchronous spawn would block it.
   */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Starts kubectl and returns the child (for tests that kill it). */
  kubectlChild(args: readonly string[]): ReturnType<typeof spawn>;
  stop(): Promise<void>;
}

const SLEEP = join(REPO_ROOT, 'test', 'local', 'fixtures', 'sleep.mjs');
const WEB = join(REPO_ROOT, 'test', 'local', 'fixtures', 'tiny-app.mjs');

/** Starts the cluster and waits until the sleep pod runs. */
export async function startExecCluster(index: number, opts: { web?: boolean } = {}): Promise<ExecCluster> {
  if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is required by this suite and is missing`);
  const dir = mkdtempSync(join(tmpdir(), 'mb-exec-'));
  const ca = await createRootCA({ commonName: 'exec test API CA' });
  const token = newApiToken();
  const info = clusterInfoFor({ name: `exec-${index}`, region: 'r', zone: 'z' }, index);
  const cluster = await startCluster({
    info,
    dir: join(dir, 'cluster'),
    home: dir,
    token,
    tls: await issueServingCertificate(ca, '127.0.0.1'),
    resolveImage: (image) =>
      image.startsWith('curlimages/curl')
        ? { ok: true, entry: SLEEP, kind: 'sleep' }
        : image.startsWith('test/web')
          ? { ok: true, entry: WEB, kind: 'app' }
          : { ok: false, reason: `unknown image ${image}` },
    baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    baseBackoffMs: 60_000,
  });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, [{ info: cluster.info, token }], ca.certPem);
  const base = (args: readonly string[]) => ['--kubeconfig', kubeconfig, '--context', info.name, ...args];
  const kubectl = (args: readonly string[], input?: string): Promise<KubectlResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(KUBECTL, base(args), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ status: code ?? -1, stdout, stderr });
      });
    });
  cluster.store.create(
    { group: '', plural: 'namespaces' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
  );
  cluster.store.create(
    { group: 'apps', plural: 'deployments' },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sleep', namespace: 'bookinfo' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'sleep' } },
        template: {
          metadata: { labels: { app: 'sleep' } },
          spec: {
            containers: [
              {
                name: 'sleep',
                image: 'curlimages/curl',
                command: ['/bin/sleep', 'infinity'],
                env: [{ name: 'GREETING', value: 'hello from the pod' }],
              },
            ],
          },
        },
      },
    },
  );
  if (opts.web) {
    cluster.store.create(
      { group: 'apps', plural: 'deployments' },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'bookinfo' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'test/web', ports: [{ containerPort: 8080 }] }] },
          },
        },
      },
    );
    cluster.store.create(
      { group: '', plural: 'services' },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'bookinfo' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      },
    );
    await eventually('the web pod to be ready', () => {
      const pods = cluster.store.list({ group: '', plural: 'pods' }, 'bookinfo');
      const ready = (p: (typeof pods)[number]) =>
        (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        );
      return pods.some((p) => p.metadata.labels?.app === 'web' && ready(p)) ? true : undefined;
    });
  }
  const pod = await eventually('the sleep pod to run', () => {
    const pods = cluster.store.list({ group: '', plural: 'pods' }, 'bookinfo');
    const running = pods.find(
      (p) => p.metadata.labels?.app === 'sleep' && (p.status as { phase?: string } | undefined)?.phase === 'Running',
    );
    return running?.metadata.name;
  });
  return {
    cluster,
    dir,
    kubeconfig,
    pod,
    kubectl,
    kubectlChild: (args) => spawn(KUBECTL, base(args), { stdio: ['pipe', 'pipe', 'pipe'] }),
    stop: async () => {
      await cluster.stop(500);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
