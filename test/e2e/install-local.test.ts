/**
 * The production install, for real, on local clusters: `local up` starts a management cluster and two workload
 * clusters (with MESHBRIDGE_FEDERATION=off, so nothing but the installed controller federates them). As
 * docs/production.md says, with real kubectl only:
 *
 * 1. `meshbridge install remote --cluster C | kubectl --context C apply -f -` in each workload cluster; the token
 *    controller fills the service account's token Secret, from which the federation kubeconfig is built;
 * 2. the management cluster's Secrets (TLS for `meshbridge-mgmt.meshbridge.svc`, the kubeconfigs), then
 *    `meshbridge install --store sqlite | kubectl --context mgmt apply -f -`; the controller's token is issued with
 *    `kubectl exec deploy/meshbridge-mgmt -- meshbridge token create` and handed over as a Secret;
 * 3. the seed's objects as custom resources in the management cluster, applied with kubectl.
 *
 * Then: cluster-1 gets WorkloadEntries for cluster-2's details through the installed controller (authorized only
 * by the RBAC `install remote` printed), the page keeps its details when cluster-1's details is scaled to 0, the
 * setting's CR reads Ready, and deleting the leading controller pod lets the other replica take the Lease.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments, stringify } from 'yaml';
import { EXAMPLES } from '../support/paths.js';
import { Runner } from '../../src/demo/runner.js';
import { entriesByService, showsBookDetails } from '../../src/demo/checks.js';
import { crOf } from '../../src/mgmt/gitops/cr-form.js';
import type { MgmtObject } from '../../src/mgmt/model.js';
import { createRootCA } from '../../src/identity/index.js';
import { issueServingCertificate } from '../../src/local/server/tls.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'mb-install-local-'));
process.env.MESHBRIDGE_IP_BLOCK_BASE ??= String(100 + Math.floor(Math.random() * 100));
// Read by the control process `local up` starts: the installed controller is the only one.
process.env.MESHBRIDGE_FEDERATION = 'off';
const kubectlPath = execFileSync('sh', ['-c', 'command -v kubectl || true'], { encoding: 'utf8' }).trim();
if (!kubectlPath) throw new Error('kubectl is not installed: this test installs meshbridge with real kubectl');
const cli = new Runner({ home, print: () => {} });
const CLUSTERS = 'mgmt=eu-central-1/eu-central-1a,cluster-1=eu-west-2/eu-west-2a,cluster-2=eu-west-1/eu-west-1a';
const NS = 'meshbridge';

after(async () => {
  await cli.meshbridge(['local', 'down'], { quiet: true, allowFail: true });
  rmSync(home, { recursive: true, force: true });
  delete process.env.MESHBRIDGE_FEDERATION;
});

async function kubectl(context: string, args: string[], input?: string): Promise<string> {
  const all = ['--kubeconfig', join(home, 'kubeconfig'), '--context', context, ...args];
  if (input === undefined) return (await run(kubectlPath, all, { maxBuffer: 16 << 20 })).stdout;
  const file = join(home, `input-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, input);
  return (await run(kubectlPath, [...all.map((a) => (a === '-' ? file : a))], { maxBuffer: 16 << 20 })).stdout;
}

async function meshbridge(args: string[]): Promise<string> {
  const res = await cli.meshbridge(args, { quiet: true });
  return res.stdout;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = String(err).slice(0, 400);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what} ${last}`);
    await sleep(500);
  }
}

type Obj = {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
};
const json = async <T = Obj>(context: string, args: string[]): Promise<T> =>
  JSON.parse(await kubectl(context, [...args, '-o', 'json'])) as T;

async function podsReady(context: string, namespace: string, selector: string, count: number): Promise<Obj[]> {
  return waitFor(`${count} ready pods ${selector} in ${context}/${namespace}`, async () => {
    const pods = (await json<{ items: Obj[] }>(context, ['get', 'pods', '-n', namespace, '-l', selector])).items;
    const ready = pods.filter((p) =>
      ((p.status?.conditions ?? []) as { type: string; status: string }[]).some(
        (c) => c.type === 'Ready' && c.status === 'True',
      ),
    );
    return ready.length >= count ? ready : undefined;
  });
}

/** Runs the scenario; when it fails, prints the meshbridge pods' logs first (the home is removed afterwards). */
async function withLogs(scenario: () => Promise<void>): Promise<void> {
  try {
    await scenario();
  } catch (err) {
    try {
      const pods = JSON.parse(await kubectl('mgmt', ['get', 'pods', '-n', NS, '-o', 'json'])) as { items: Obj[] };
      for (const p of pods.items) {
        const log = await kubectl('mgmt', ['logs', '-n', NS, p.metadata.name]).catch((e: Error) => e.message);
        // Health checks log two lines a second (request, completion): without them the tail shows what the process
        // did.
        const lines = log.split('\n');
        const probes = new Set(
          lines.filter((l) => l.includes('"/healthz"')).map((l) => /"reqId":"([^"]+)"/.exec(l)?.[1]),
        );
        const told = lines.filter((l) => !probes.has(/"reqId":"([^"]+)"/.exec(l)?.[1] ?? '\0')).join('\n');
        process.stderr.write(`--- ${p.metadata.name} (${JSON.stringify(p.status?.phase)})\n${told.slice(-8000)}\n`);
      }
    } catch (dump) {
      process.stderr.write(`(no pod logs: ${String(dump)})\n`);
    }
    throw err;
  }
}

test(
  'meshbridge installed into a local management cluster with kubectl federates the workload clusters',
  { timeout: 900_000 },
  () =>
    withLogs(async () => {
      await meshbridge(['local', 'up', '--clusters', CLUSTERS]);
      const kubeconfig = parseAllDocuments(readFileSync(join(home, 'kubeconfig'), 'utf8'))[0]?.toJS() as {
        clusters: { name: string; cluster: { server: string } }[];
      };
      const server = (name: string) => kubeconfig.clusters.find((c) => c.name === name)?.cluster.server ?? '';

      // The workload clusters: bookinfo (meshed), the East-West gateway in cluster-2, and what install remote prints.
      const injected = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n`;
      for (const c of ['cluster-1', 'cluster-2']) {
        await kubectl(c, ['apply', '-f', '-'], injected);
        await kubectl(c, ['apply', '-n', 'bookinfo', '-f', join(EXAMPLES, 'bookinfo.yaml')]);
        const remote = await meshbridge(['install', 'remote', '--cluster', c]);
        await kubectl(c, ['apply', '-f', '-'], remote);
      }
      await kubectl('cluster-1', ['apply', '-n', 'bookinfo', '-f', join(EXAMPLES, 'sleep.yaml')]);
      await kubectl('cluster-2', ['apply', '-f', join(EXAMPLES, 'eastwest-gateway.yaml')]);

      // The federation kubeconfig, from the token Secrets the token controller filled (docs/production.md).
      const contexts = await Promise.all(
        ['cluster-1', 'cluster-2'].map(async (c) => {
          const secret = await waitFor(`the federation token in ${c}`, async () => {
            const s = await json(c, ['get', 'secret', 'meshbridge-federation-token', '-n', NS]);
            return s.data?.token ? s : undefined;
          });
          return { name: c, server: server(c), ca: secret.data?.['ca.crt'] ?? '', token: secret.data?.token ?? '' };
        }),
      );
      const federation = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: contexts.map((c) => ({
          name: c.name,
          cluster: { server: c.server, 'certificate-authority-data': c.ca },
        })),
        users: contexts.map((c) => ({ name: c.name, user: { token: Buffer.from(c.token, 'base64').toString() } })),
        contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: c.name } })),
        'current-context': 'cluster-1',
      };
      // The account install remote made has exactly its ClusterRole's access: the cluster's API enforces RBAC.
      const fedToken = Buffer.from(contexts[0]?.token ?? '', 'base64').toString();
      const canI = async (...args: string[]) =>
        (
          await kubectl('cluster-1', ['--token', fedToken, 'auth', 'can-i', ...args]).catch(
            (e: { stdout?: string }) => e.stdout ?? '',
          )
        ).trim();
      assert.equal(await canI('create', 'workloadentries.networking.istio.io', '-n', 'bookinfo'), 'yes');
      assert.equal(await canI('list', 'pods', '-A'), 'yes');
      assert.equal(await canI('get', 'secrets', '-n', NS), 'no');
      assert.equal(await canI('delete', 'namespaces/bookinfo'), 'no');
      await assert.rejects(
        kubectl('cluster-1', ['--token', fedToken, 'get', 'secrets', '-n', NS]),
        /Forbidden|forbidden/,
        'reading Secrets is refused',
      );
      const federationFile = join(home, 'federation.kubeconfig');
      writeFileSync(federationFile, stringify(federation), { mode: 0o600 });

      // The management cluster's Secrets, then the install itself.
      const ca = await createRootCA({ commonName: 'meshbridge install test CA' });
      const serving = await issueServingCertificate(ca, 'meshbridge-mgmt.meshbridge.svc');
      for (const [name, pem] of [
        ['tls.crt', serving.certPem],
        ['tls.key', serving.keyPem],
        ['ca.crt', ca.certPem],
      ] as const) {
        writeFileSync(join(home, name), pem, { mode: 0o600 });
      }
      await kubectl('mgmt', ['create', 'namespace', NS]);
      await kubectl('mgmt', [
        ...['-n', NS, 'create', 'secret', 'generic', 'meshbridge-tls'],
        ...['tls.crt', 'tls.key', 'ca.crt'].map((f) => `--from-file=${f}=${join(home, f)}`),
      ]);
      await kubectl('mgmt', [
        ...['-n', NS, 'create', 'secret', 'generic', 'meshbridge-kubeconfigs'],
        `--from-file=kubeconfig=${federationFile}`,
      ]);
      const install = await meshbridge(['install', '--store', 'sqlite']);
      await kubectl('mgmt', ['apply', '-f', '-'], install);
      await podsReady('mgmt', NS, 'app.kubernetes.io/component=management-plane', 1);

      // The controller's token, issued next to the store (the controllers wait for its Secret).
      const tokenFile = '/var/lib/meshbridge/controller-token';
      await kubectl('mgmt', [
        ...['-n', NS, 'exec', 'deploy/meshbridge-mgmt', '--'],
        ...['meshbridge', 'token', 'create', '--role', 'org-admin', '--name', 'controller', '--out', tokenFile],
      ]);
      const token = (
        await kubectl('mgmt', ['-n', NS, 'exec', 'deploy/meshbridge-mgmt', '--', 'cat', tokenFile])
      ).trim();
      assert.ok(token.length > 20, 'a token was issued');
      await kubectl('mgmt', ['-n', NS, 'exec', 'deploy/meshbridge-mgmt', '--', 'rm', tokenFile]);
      writeFileSync(join(home, 'controller-token'), token, { mode: 0o600 });
      await kubectl('mgmt', [
        ...['-n', NS, 'create', 'secret', 'generic', 'meshbridge-controller-token'],
        `--from-file=token=${join(home, 'controller-token')}`,
      ]);
      await podsReady('mgmt', NS, 'app.kubernetes.io/component=controller', 2);

      // The seed's objects as CRs in the management cluster: organization, clusters, workspace, setting.
      const info = (c: string) =>
        JSON.parse(readFileSync(join(home, 'clusters', c, 'cluster.json'), 'utf8')) as {
          network: string;
          region: string;
          zone: string;
          trustDomain: string;
        };
      const objects: MgmtObject[] = [
        { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Organization', metadata: { name: 'tetrate' } } as MgmtObject,
        ...['cluster-1', 'cluster-2'].map(
          (c) =>
            ({
              apiVersion: 'api.tsb.tetrate.io/v2',
              kind: 'Cluster',
              metadata: { organization: 'tetrate', name: c },
              spec: {
                network: info(c).network,
                locality: { region: info(c).region, zone: info(c).zone },
                trustDomain: info(c).trustDomain,
              },
            }) as unknown as MgmtObject,
        ),
        ...['workspace.yaml', 'workspace-setting.yaml'].flatMap((f) =>
          parseAllDocuments(readFileSync(join(EXAMPLES, f), 'utf8')).map((d) => d.toJS() as MgmtObject),
        ),
      ];
      await kubectl('mgmt', ['create', 'namespace', 'team-bookinfo']);
      await kubectl(
        'mgmt',
        ['apply', '-f', '-'],
        objects.map((o) => stringify(crOf(o, 'team-bookinfo'))).join('---\n'),
      );

      // The installed controller writes cluster-1's entries for cluster-2's details.
      await podsReady('cluster-1', 'bookinfo', 'app=details', 1);
      await podsReady('cluster-2', 'bookinfo', 'app=details', 1);
      const entries = await waitFor(
        "cluster-1's WorkloadEntries for cluster-2's details",
        async () => {
          const items = (await json<{ items: Obj[] }>('cluster-1', ['get', 'workloadentries', '-n', 'bookinfo'])).items;
          const details = items.filter((we) => we.metadata.name.startsWith('k-details-'));
          return details.length > 0 ? details : undefined;
        },
        180_000,
      );
      process.stdout.write(`# ${entries.length} details entries written by the installed controller\n`);
      // The same entries the REST API's apply gives in the walkthrough: one per bookinfo service and gateway address.
      const gateway = await waitFor("cluster-2's East-West gateway addresses", async () => {
        const svc = await json('cluster-2', ['get', 'service', 'eastwest-gateway', '-n', 'bookinfo']);
        const ingress = (svc.status?.loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? [];
        const ips = ingress.map((i) => i.ip ?? '').filter(Boolean);
        return ips.length > 0 ? ips.sort() : undefined;
      });
      await waitFor('an entry per bookinfo service and gateway address', async () => {
        const items = (await json<{ items: Obj[] }>('cluster-1', ['get', 'workloadentries', '-n', 'bookinfo'])).items;
        const byService = entriesByService(
          items.map((we) => ({ name: we.metadata.name, address: String(we.spec?.address ?? '') })),
        );
        const all = ['details', 'productpage', 'ratings', 'reviews'];
        return all.every((svc) => JSON.stringify(byService.get(svc)) === JSON.stringify(gateway)) ? true : undefined;
      });
      await waitFor('the WorkspaceSetting CR Ready', async () => {
        const cr = await json('mgmt', ['get', 'workspacesettings', 'bookinfo-ws-setting', '-n', 'team-bookinfo']);
        const ready = ((cr.status?.conditions ?? []) as { type: string; status: string }[]).find(
          (c) => c.type === 'Ready',
        );
        return ready?.status === 'True' ? true : undefined;
      });

      // kubectl get prints the CRD's printer columns, READY among them, as on a real cluster.
      const table = await kubectl('mgmt', ['get', 'workspacesettings', '-n', 'team-bookinfo']);
      assert.match(table, /^NAME\s+READY\s+AGE\n/);
      assert.match(table, /\nbookinfo-ws-setting\s+True\s+\S+/);

      // Failover: cluster-1's details scaled to 0, the page keeps its details (served from cluster-2).
      const page = async () =>
        kubectl('cluster-1', [
          'exec',
          'deploy/sleep',
          '-n',
          'bookinfo',
          '--',
          'curl',
          '-s',
          'productpage.bookinfo:9080/productpage',
        ]);
      await podsReady('cluster-1', 'bookinfo', 'app=productpage', 1);
      await podsReady('cluster-1', 'bookinfo', 'app=sleep', 1);
      assert.ok(
        showsBookDetails(
          await waitFor('the page', async () => ((s) => (showsBookDetails(s) ? s : undefined))(await page())),
        ),
      );
      await kubectl('cluster-1', ['scale', 'deployment', 'details-v1', '-n', 'bookinfo', '--replicas=0']);
      await waitFor('no details pod in cluster-1', async () => {
        const pods = (await json<{ items: Obj[] }>('cluster-1', ['get', 'pods', '-n', 'bookinfo', '-l', 'app=details']))
          .items;
        return pods.length === 0 ? true : undefined;
      });
      const served = await waitFor(
        'the page with details from cluster-2',
        async () => {
          const s = await page();
          return showsBookDetails(s) ? s : undefined;
        },
        30_000,
      );
      assert.ok(showsBookDetails(served));

      // High availability: delete the leader's pod; the other replica takes the Lease.
      const lease = async () =>
        (await json('mgmt', ['get', 'lease', 'meshbridge-controller', '-n', NS])).spec?.holderIdentity as
          string | undefined;
      const leader = await waitFor('a leader', lease);
      const pods = (
        await json<{ items: Obj[] }>('mgmt', ['get', 'pods', '-n', NS, '-l', 'app.kubernetes.io/component=controller'])
      ).items;
      const leaderPod = pods.find((p) => leader.includes(p.metadata.name));
      assert.ok(
        leaderPod,
        `the leader ${leader} is one of the controller pods ${pods.map((p) => p.metadata.name).join(', ')}`,
      );
      const deletedAt = Date.now();
      await kubectl('mgmt', ['delete', 'pod', leaderPod.metadata.name, '-n', NS, '--wait=false']);
      const next = await waitFor(
        'another leader',
        async () => {
          const holder = await lease();
          return holder && holder !== leader ? holder : undefined;
        },
        60_000,
      );
      process.stdout.write(`# leader ${leader} deleted; ${next} led ${Date.now() - deletedAt} ms later\n`);
      assert.ok(Date.now() - deletedAt < 20_000, 'the other replica took over within the lease time');
    }),
);
