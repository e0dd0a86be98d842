/**
 * A dead remote service is skipped through its probe before any request fails, on three local clusters.
 * cluster-1 (eu-west-2a) runs bookinfo; cluster-2 (eu-west-2b: same region, so its copy is the preferred remote
 * one) and cluster-3 (us-east-1) run details behind an East-West gateway each. First the preference is shown:
 * with cluster-1's details gone, cluster-2 serves. Then cluster-2's details dies behind its live gateway while no
 * request needs it: cluster-1's prober marks cluster-2's entries `Healthy=False` (`RemoteServiceUnavailable`), and
 * when cluster-1's details goes under a steady load, every page is served by cluster-3, none fails, and the client
 * sidecar's (productpage's) `/clusters` shows that not one try went to cluster-2's gateway.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXAMPLES } from '../support/paths.js';
import { Runner } from '../../src/demo/runner.js';
import { fetchPage, startLoad } from '../../src/demo/load.js';
import { proxyAuthorization } from '../../src/dataplane/sidecar/proxy-auth.js';
import { SOURCE_CLUSTER_LABEL } from '../../src/priority/order.js';

const home = mkdtempSync(join(tmpdir(), 'mb-probe-skip-'));
// Three loopback blocks of our own (127.<base+k>.*).
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: this test drives the clusters with real kubectl');
const cli = new Runner({ home, print: () => {} });
const [C1, C2, C3] = ['cluster-1', 'cluster-2', 'cluster-3'];
const PAGE = 'http://productpage.bookinfo:9080/productpage';
const DETAILS = 'outbound|9080||details.bookinfo.svc.cluster.local';

after(async () => {
  await cli.meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  rmSync(home, { recursive: true, force: true });
});

function kubectl(context: string, ...args: string[]): string {
  return execFileSync(kubectlPath, ['--kubeconfig', join(home, 'kubeconfig'), '--context', context, ...args], {
    encoding: 'utf8',
  });
}
const json = <T>(context: string, ...args: string[]): T => JSON.parse(kubectl(context, ...args, '-o', 'json')) as T;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(500);
  }
}

interface Item {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { replicas?: number; address?: string };
  status?: {
    readyReplicas?: number;
    conditions?: { type: string; status: string; reason?: string }[];
    loadBalancer?: { ingress?: { ip?: string }[] };
  };
}

function deploymentsReady(cluster: string): true | undefined {
  const items = json<{ items: Item[] }>(cluster, 'get', 'deployments', '-n', 'bookinfo').items;
  return items.length > 0 && items.every((d) => (d.status?.readyReplicas ?? 0) === (d.spec?.replicas ?? 1))
    ? true
    : undefined;
}

/** cluster-1's WorkloadEntries for details, by the cluster of the copy they stand for, with their Healthy state. */
function detailsEntries(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const we of json<{ items: Item[] }>(C1, 'get', 'workloadentries', '-n', 'bookinfo').items) {
    if (!we.metadata.name.startsWith('k-details-')) continue;
    const source = we.metadata.labels?.[SOURCE_CLUSTER_LABEL] ?? '?';
    const healthy = we.status?.conditions?.find((c) => c.type === 'Healthy');
    out.set(source, [...(out.get(source) ?? []), healthy ? `${healthy.status}/${healthy.reason ?? ''}` : 'unprobed']);
  }
  return out;
}

/** Tries per details host as a client sidecar's `/clusters` counts them (`host:port` -> tries). */
async function triesByHost(proxy: URL): Promise<Record<string, number>> {
  const auth = proxyAuthorization(proxy);
  const res = await fetch(`http://${proxy.hostname}:15000/clusters`, {
    // The admin port takes the pod's proxy secret the way the proxy does, as a Basic password.
    headers: auth ? { authorization: auth } : {},
  });
  assert.equal(res.status, 200, `the sidecar's /clusters answers (${res.status})`);
  const body = (await res.json()) as Record<string, { address: string; attempts: number }[]>;
  return Object.fromEntries((body[DETAILS] ?? []).map((h) => [h.address, h.attempts]));
}

test('a dead remote service is skipped through its probe before any request fails', { timeout: 900_000 }, async () => {
  await cli.meshbridge([
    'local',
    'up',
    '--clusters',
    `${C1}=eu-west-2/eu-west-2a,${C2}=eu-west-2/eu-west-2b,${C3}=us-east-1/us-east-1a`,
  ]);
  const ns = join(home, 'namespace.yaml');
  writeFileSync(
    ns,
    'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n',
  );
  const bookinfo = join(EXAMPLES, 'bookinfo.yaml');
  for (const c of [C1, C2, C3]) kubectl(c, 'apply', '-f', ns);
  kubectl(C1, 'apply', '-n', 'bookinfo', '-f', bookinfo);
  kubectl(C1, 'apply', '-n', 'bookinfo', '-f', join(EXAMPLES, 'sleep.yaml'));
  for (const c of [C2, C3]) {
    // details only (its Service, ServiceAccount and Deployment), and the East-West gateway.
    kubectl(c, 'apply', '-n', 'bookinfo', '-f', bookinfo, '-l', 'app=details');
    kubectl(c, 'apply', '-n', 'bookinfo', '-f', bookinfo, '-l', 'account=details');
    kubectl(c, 'apply', '-f', join(EXAMPLES, 'eastwest-gateway.yaml'));
  }
  for (const c of [C1, C2, C3]) await waitFor(`deployments ready in ${c}`, () => deploymentsReady(c), 240_000);
  // Every address of a gateway's load balancer: cluster-1 has an entry per address.
  const gateway = (c: string) =>
    waitFor(`${c}'s gateway addresses`, () => {
      const svc = json<Item>(c, 'get', 'service', 'eastwest-gateway', '-n', 'bookinfo');
      const ips = (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
      return ips.length > 0 ? ips : undefined;
    });
  const [gw2, gw3] = [await gateway(C2), await gateway(C3)];
  await cli.meshbridge(['apply', '-f', join(EXAMPLES, 'workspace.yaml')]);
  await cli.meshbridge(['apply', '-f', join(EXAMPLES, 'workspace-setting.yaml')]);

  // cluster-1 has entries for both remote copies, and its prober found both alive.
  await waitFor("cluster-1's entries for details in cluster-2 and cluster-3, probed healthy", () => {
    const e = detailsEntries();
    return [C2, C3].every((c) => (e.get(c) ?? []).length > 0 && e.get(c)?.every((s) => s.startsWith('True')))
      ? e
      : undefined;
  });
  const proxy = new URL(kubectl(C1, 'exec', '-n', 'bookinfo', 'deploy/sleep', '--', 'printenv', 'http_proxy').trim());
  // details' client is productpage: its sidecar is the one that picks a details host.
  const client = new URL(
    kubectl(C1, 'exec', '-n', 'bookinfo', 'deploy/productpage-v1', '--', 'printenv', 'http_proxy').trim(),
  );
  const page = () => fetchPage({ proxy, target: PAGE, timeoutMs: 10_000 });
  const servedBy = async (n: number) => Promise.all(Array.from({ length: n }, page));

  // The preference: with cluster-1's details gone, the same-region copy in cluster-2 serves.
  kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
  await waitFor('cluster-2 to serve details', async () =>
    (await servedBy(5)).every((s) => s.ok && s.detailsCluster === C2) ? true : undefined,
  );
  kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=1');
  await waitFor('cluster-1 to serve details again', async () =>
    (await servedBy(5)).every((s) => s.ok && s.detailsCluster === C1) ? true : undefined,
  );

  // cluster-2's details dies behind its live gateway; nothing calls it, the prober finds out.
  kubectl(C2, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
  const probed = await waitFor("cluster-2's entries marked down by the probe", () => {
    const e = detailsEntries();
    const down = (e.get(C2) ?? []).length > 0 && e.get(C2)?.every((s) => s === 'False/RemoteServiceUnavailable');
    return down && e.get(C3)?.every((s) => s.startsWith('True')) ? e : undefined;
  });
  process.stdout.write(`# entries after the probe: ${JSON.stringify(Object.fromEntries(probed))}\n`);
  // The mesh pushes the entries' health to the client sidecar in EDS; a moment for that push.
  await sleep(1000);

  // Under load, cluster-1's details goes: every page is served by cluster-3, none fails, cluster-2 is never tried.
  const before = await triesByHost(client);
  const load = startLoad({ proxy, target: PAGE, rate: 10, timeoutMs: 10_000 });
  await sleep(1000);
  kubectl(C1, 'scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0');
  await waitFor('cluster-3 to serve details', async () =>
    (await servedBy(3)).every((s) => s.ok && s.detailsCluster === C3) ? true : undefined,
  );
  await sleep(3000);
  const samples = await load.stop();
  const afterTries = await triesByHost(client);
  const counts: Record<string, number> = {};
  for (const s of samples) {
    const key = s.ok ? (s.detailsCluster ?? '?') : 'failed';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const delta = (addresses: readonly string[]) =>
    Object.entries(afterTries)
      .filter(([host]) => addresses.some((a) => host.startsWith(`${a}:`)))
      .reduce((n, [host, tries]) => n + tries - (before[host] ?? 0), 0);
  process.stdout.write(
    `# pages by details cluster: ${JSON.stringify(counts)}; tries via cluster-2's gateway ${delta(gw2)}, via cluster-3's ${delta(gw3)} (${JSON.stringify(afterTries)})\n`,
  );
  assert.deepEqual(
    samples.filter((s) => !s.ok).map((s) => s.error),
    [],
    'no page failed',
  );
  assert.equal(counts[C2], undefined, 'no page was served by cluster-2');
  assert.ok((counts[C3] ?? 0) > 0, 'cluster-3 served details');
  assert.equal(delta(gw2), 0, "not one try went to cluster-2's gateway");
  assert.ok(delta(gw3) > 0, "tries went to cluster-3's gateway");
});
