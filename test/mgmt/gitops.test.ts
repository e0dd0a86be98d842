/**
 * The GitOps sync against a real embedded cluster API (its CRDs installed from `meshbridge install`'s generator)
 * and a real management plane: CRs written as kubectl would become stored objects, objects applied through the API
 * get CRs, a change or a deletion on either side reaches the other, a refused CR changes nothing and says why in its
 * status, statuses follow the kstatus convention, and a restarted syncer finds nothing to do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gitOpsCrds } from '../../src/install/crds.js';
import { createClusterClient, loadKubeConfig, type ClusterClient, type KObject } from '../../src/kube/client.js';
import { CR_ANNOTATIONS, MIRRORED_ANNOTATION } from '../../src/mgmt/gitops/cr-form.js';
import { GitOpsSyncer } from '../../src/mgmt/gitops/syncer.js';
import { applyObjects } from '../../src/mgmt/service/apply.js';
import { deleteObjects } from '../../src/mgmt/service/delete.js';
import { reportStatus } from '../../src/mgmt/service/status.js';
import { EmbeddedApi, kubeconfigFor } from '../federation/support/embedded-api.js';
import { startTestMgmt, type TestMgmt } from './support/harness.js';

const NS = 'meshbridge-config';
const TSB = 'api.tsb.tetrate.io/v2';
const admin = { name: 'admin', role: 'org-admin' as const, scope: {} };

type Cr = KObject & {
  metadata: KObject['metadata'] & { generation?: number };
  spec?: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason: string; message: string }[];
  };
};

describe('GitOps sync of management-plane objects and custom resources', () => {
  const api = new EmbeddedApi();
  let dir = '';
  let m: TestMgmt;
  let client: ClusterClient;
  let syncer: GitOpsSyncer;
  const ctx = () => ({ ...m.running.deps, principal: admin });

  before(async () => {
    await api.start();
    for (const crd of gitOpsCrds()) api.put(crd as never);
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    api.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    dir = mkdtempSync(join(tmpdir(), 'mb-gitops-'));
    writeFileSync(join(dir, 'kubeconfig'), kubeconfigFor({ mgmt: api }));
    client = createClusterClient({
      name: 'mgmt',
      kubeConfig: loadKubeConfig({ path: join(dir, 'kubeconfig'), context: 'mgmt' }),
    });
    m = await startTestMgmt();
    syncer = new GitOpsSyncer({ deps: m.running.deps, client, namespace: NS, intervalMs: 3_600_000 });
  });
  after(async () => {
    await syncer?.stop();
    await m?.close();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const cr = (kind: string, name: string, levels: Record<string, string>, spec?: object, ns = 'team-a'): Cr => ({
    apiVersion: TSB,
    kind,
    metadata: {
      name,
      namespace: ns,
      annotations: Object.fromEntries(Object.entries(levels).map(([l, v]) => [`tsb.tetrate.io/${l}`, v])),
    },
    ...(spec ? { spec: spec as Record<string, unknown> } : {}),
  });
  const stored = async (kind: string, name: string) =>
    (await m.running.deps.store.snapshot()).objects.find((o) => o.ref.kind === kind && o.ref.name === name)?.object;
  const crs = async (kind: string) => (await client.list(kind)) as Cr[];
  const crNamed = async (kind: string, name: string) => (await crs(kind)).find((c) => c.metadata?.name === name);
  const condition = (c: Cr | undefined, type: string) => c?.status?.conditions?.find((x) => x.type === type);

  it('CRs written as kubectl would become stored objects, parents first, with kstatus statuses', async () => {
    // Children before parents, as a GitOps tool may apply them: the sync orders them.
    await client.create(
      cr('Workspace', 'w', { organization: 'o', tenant: 't' }, { namespaceSelector: { names: ['*/bookinfo'] } }),
    );
    await client.create(cr('Tenant', 't', { organization: 'o' }));
    await client.create(cr('Organization', 'o', {}));
    await client.create(
      cr(
        'WorkspaceSetting',
        's',
        { organization: 'o', tenant: 't', workspace: 'w' },
        {
          defaultEastWestGatewaySettings: [
            { workloadSelector: { namespace: 'bookinfo', labels: { app: 'eastwest-gateway' } } },
          ],
        },
      ),
    );
    const result = await syncer.pass();
    assert.deepEqual([...result.failures], []);
    for (const [kind, name] of [
      ['Organization', 'o'],
      ['Tenant', 't'],
      ['Workspace', 'w'],
      ['WorkspaceSetting', 's'],
    ] as const) {
      const o = await stored(kind, name);
      assert.ok(o, `${kind} ${name} stored`);
      assert.equal((o.metadata.annotations as Record<string, string>)[MIRRORED_ANNOTATION], 'true');
      const c = await crNamed(kind, name);
      assert.match(c?.metadata?.annotations?.[CR_ANNOTATIONS.synced] ?? '', /^[0-9a-f]{16}\.[0-9a-f]{16}$/);
    }
    assert.deepEqual((await stored('Workspace', 'w'))?.spec, { namespaceSelector: { names: ['*/bookinfo'] } });
    // Configuration-only kinds are ready once stored; a setting waits for the controller's report.
    const tenant = await crNamed('Tenant', 't');
    assert.equal(condition(tenant, 'Ready')?.status, 'True');
    assert.equal(tenant?.status?.observedGeneration, tenant?.metadata.generation);
    const setting = await crNamed('WorkspaceSetting', 's');
    assert.equal(condition(setting, 'Ready')?.status, 'False');
    assert.equal(condition(setting, 'Reconciling')?.status, 'True');

    // The controller reports the setting READY: the CR says Ready.
    await reportStatus(ctx(), {
      kind: 'WorkspaceSetting',
      fqn: 'organizations/o/tenants/t/workspaces/w/settings/s',
      clusters: { c1: { state: 'READY', message: 'ok' } },
    });
    await syncer.pass();
    const ready = await crNamed('WorkspaceSetting', 's');
    assert.equal(condition(ready, 'Ready')?.status, 'True');
    assert.equal(condition(ready, 'Stalled')?.status, 'False');
    assert.equal(ready?.status?.observedGeneration, ready?.metadata.generation);
  });

  it('an object applied through the API gets a CR; a change on either side reaches the other', async () => {
    await applyObjects(ctx(), [{ apiVersion: TSB, kind: 'Tenant', metadata: { organization: 'o', name: 'api-made' } }]);
    await syncer.pass();
    const made = await crNamed('Tenant', 'api-made');
    assert.equal(made?.metadata?.namespace, NS, 'created in the configured namespace');
    assert.equal(made?.metadata?.annotations?.[CR_ANNOTATIONS.organization], 'o');

    // The CR changes (a Git commit): the store follows.
    const w = (await crNamed('Workspace', 'w'))!;
    await client.replace({ ...w, spec: { namespaceSelector: { names: ['*/bookinfo', 'cluster-2/shop'] } } });
    await syncer.pass();
    assert.deepEqual((await stored('Workspace', 'w'))?.spec, {
      namespaceSelector: { names: ['*/bookinfo', 'cluster-2/shop'] },
    });

    // The object changes through the API: the CR follows.
    await applyObjects(ctx(), [
      {
        apiVersion: TSB,
        kind: 'Workspace',
        metadata: { organization: 'o', tenant: 't', name: 'w', description: 'from the API' },
        spec: { namespaceSelector: { names: ['*/bookinfo'] } },
      },
    ]);
    await syncer.pass();
    const back = await crNamed('Workspace', 'w');
    assert.deepEqual(back?.spec, { namespaceSelector: { names: ['*/bookinfo'] } });
    assert.equal(back?.metadata?.annotations?.[CR_ANNOTATIONS.description], 'from the API');
    assert.equal(back?.metadata?.namespace, 'team-a', 'the CR stays where it was applied');

    // Nothing changed: a pass (or a restarted syncer's first) does nothing, and rewrites no CR, status included.
    await syncer.pass();
    const versions = async () =>
      (await Promise.all(['Organization', 'Tenant', 'Workspace', 'WorkspaceSetting'].map(crs)))
        .flat()
        .map((c) => `${c.kind}/${c.metadata?.name}@${c.metadata?.resourceVersion}`)
        .sort();
    const before = await versions();
    const restarted = new GitOpsSyncer({ deps: m.running.deps, client, namespace: NS, intervalMs: 3_600_000 });
    const idle = await restarted.pass();
    assert.deepEqual(
      idle.actions.map((a) => `${a.op} ${a.key}`),
      [],
    );
    assert.deepEqual(await versions(), before, 'no CR was written');
  });

  it('a deletion on either side deletes on the other', async () => {
    // kubectl delete of a CR: the object goes.
    await client.delete({ apiVersion: TSB, kind: 'Tenant', name: 'api-made', namespace: NS });
    await syncer.pass();
    assert.equal(await stored('Tenant', 'api-made'), undefined);
    // Delete through the API: the CR goes.
    await deleteObjects(ctx(), [
      { kind: 'WorkspaceSetting', metadata: { organization: 'o', tenant: 't', workspace: 'w', name: 's' } },
    ]);
    await syncer.pass();
    assert.equal(await crNamed('WorkspaceSetting', 's'), undefined);
  });

  it('a CR the model refuses is refused by the cluster already; one the management plane refuses says why', async () => {
    // The CRD's schema is the model's: the cluster API itself refuses a list written as a string.
    const w = (await crNamed('Workspace', 'w'))!;
    await assert.rejects(
      client.replace({ ...w, spec: { namespaceSelector: { names: 'not-a-list' } } } as KObject),
      /names|422|Invalid/i,
    );
    // What only the management plane checks (a cron schedule, the hierarchy annotations) is refused at the sync.
    await client.create({
      ...cr(
        'FailoverDrill',
        'bad-schedule',
        { organization: 'o', tenant: 't', workspace: 'w' },
        { service: 'bookinfo/details', cluster: 'cluster-1', duration: '1m', schedule: '61 3 * * 1' },
      ),
      apiVersion: 'failover.meshbridge.io/v1alpha1',
    });
    await client.create(cr('Tenant', 'orphan', {}));
    const result = await syncer.pass();
    assert.equal(await stored('FailoverDrill', 'bad-schedule'), undefined);
    const bad = await crNamed('FailoverDrill', 'bad-schedule');
    assert.equal(condition(bad, 'Stalled')?.status, 'True');
    assert.equal(condition(bad, 'Ready')?.status, 'False');
    assert.match(condition(bad, 'Stalled')?.message ?? '', /MB9003.*spec\.schedule/);
    assert.equal(bad?.status?.observedGeneration, bad?.metadata.generation);
    const orphan = await crNamed('Tenant', 'orphan');
    assert.match(condition(orphan, 'Stalled')?.message ?? '', /annotation tsb\.tetrate\.io\/organization is required/);
    assert.equal(await stored('Tenant', 'orphan'), undefined);
    assert.equal(result.failures.size, 2);
    // A refused CR that did not change is not applied again at every pass: one audit record, not one a pass.
    const audits = async () => (await m.running.deps.store.listAudit()).filter((r) => r.actor === 'gitops').length;
    const count = await audits();
    const again = await syncer.pass();
    assert.equal(await audits(), count);
    assert.equal(again.failures.size, 2, 'still refused, and still said');
    assert.equal((await stored('Workspace', 'w'))?.metadata.name, 'w', 'the rest is untouched');
  });
});
