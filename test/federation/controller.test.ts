// The federation controller end to end over real HTTP against two embedded cluster APIs: config from a ConfigSource, clusters watched with
// client-node informers, generated objects converging as configuration and clusters change, status reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededClusters } from './support/seeded-clusters.js';
import { FederationController } from '../../src/federation/controller.js';
import { InMemoryConfigSource } from '../../src/federation/config-source.js';
import { kubeconfigConnector } from '../../src/federation/connect.js';
import { MemoryStatusSink } from '../../src/federation/status.js';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('keeps cluster-1 entries equal to the plan as the gateway, reachability and locality change', async (t) => {
  // The seed's clusters, with the gateway's load balancer still without addresses.
  const { servers, config: base, running } = await seededClusters(t, 'gateway-no-address');
  const config = new InMemoryConfigSource(base);
  const status = new MemoryStatusSink();
  const controller = new FederationController({ config, connect: kubeconfigConnector(), status, debounceMs: 20 });
  running.controller = controller;
  await controller.start();

  const c1 = servers['cluster-1'];
  const c2 = servers['cluster-2'];
  const entries = () => c1.list('WorkloadEntry', 'bookinfo');
  const settingStatus = () =>
    status.latest.get(
      'WorkspaceSetting/organizations/tetrate/tenants/tetrate/workspaces/bookinfo-ws/settings/bookinfo-ws-setting',
    )?.clusters;

  await t.test('a gateway without address yields no entries and a PARTIAL status that says why', async () => {
    const st = await waitFor(
      'PARTIAL status',
      () => settingStatus()?.['cluster-2']?.state === 'PARTIAL' && settingStatus(),
    );
    assert.match(st['cluster-2']?.message ?? '', /load balancer has no address yet/);
    assert.equal(entries().length, 0);
  });

  await t.test(
    'once the load balancer has three addresses, cluster-1 lists k-<service>-<hash>, -2, -3 for all four services',
    async () => {
      const svc = c2.list('Service', 'bookinfo').find((s) => s.metadata?.name === 'eastwest-gateway');
      c2.put({
        ...svc,
        status: { loadBalancer: { ingress: [{ ip: '127.2.200.1' }, { ip: '127.2.200.2' }, { ip: '127.2.200.3' }] } },
      } as never);
      await waitFor('12 entries', () => entries().length === 12);
      const names = entries().map((e) => e.metadata?.name ?? '');
      for (const svcName of ['details', 'productpage', 'ratings', 'reviews']) {
        const mine = names.filter((n) => n.startsWith(`k-${svcName}-`)).sort();
        assert.equal(mine.length, 3);
        assert.match(mine[0] ?? '', new RegExp(`^k-${svcName}-[0-9a-f]{32}$`));
        assert.deepEqual(mine.slice(1), [`${mine[0]}-2`, `${mine[0]}-3`]);
      }
      await waitFor(
        'READY status',
        () => settingStatus()?.['cluster-1']?.state === 'READY' && settingStatus()?.['cluster-2']?.state === 'READY',
      );
      assert.equal(c1.list('DestinationRule', 'bookinfo').length, 4);
      const cluster2 = status.latest.get('Cluster/organizations/tetrate/clusters/cluster-2')?.clusters['cluster-2'];
      assert.equal(cluster2?.state, 'READY');
      assert.match(
        cluster2?.message ?? '',
        /bookinfo\/eastwest-gateway \[127\.2\.200\.1, 127\.2\.200\.2, 127\.2\.200\.3\]/,
      );
    },
  );

  await t.test(
    'a reachability rule without cluster-1-network -> cluster-2-network removes the entries; restoring it brings them back',
    async () => {
      const os = (rules: Record<string, string>) => ({
        apiVersion: 'api.tsb.tetrate.io/v2',
        kind: 'OrganizationSetting' as const,
        metadata: { organization: 'tetrate', name: 'default' },
        spec: { networkSettings: { networkReachability: rules } },
      });
      config.set({ ...base, organizationSettings: [os({ 'cluster-2-network': 'cluster-1-network' })] });
      // Entries go first, then the DestinationRules (children before what they hang off).
      await waitFor(
        'entries and rules removed',
        () => entries().length === 0 && c1.list('DestinationRule', 'bookinfo').length === 0,
      );
      config.set({
        ...base,
        organizationSettings: [
          os({ 'cluster-2-network': 'cluster-1-network', 'cluster-1-network': 'cluster-2-network' }),
        ],
      });
      await waitFor('entries back', () => entries().length === 12);
    },
  );

  /** Labels cluster-2's gateway pod with `istio-locality` and waits until every entry carries that locality. */
  const moveGateway = async (locality: string): Promise<void> => {
    const pod = c2.list('Pod', 'bookinfo').find((p) => p.metadata?.name?.startsWith('eastwest-gateway'));
    c2.put({
      ...pod,
      metadata: { ...pod?.metadata, labels: { ...pod?.metadata?.labels, 'istio-locality': locality } },
    } as never);
    await waitFor('new locality', () =>
      entries().every((e) => (e.spec as { locality?: string }).locality === locality),
    );
  };

  await t.test('an istio-locality label on the gateway pods changes the entries locality in place', async () => {
    const before = entries()
      .map((e) => e.metadata?.name)
      .sort();
    await moveGateway('eu-remote-1');
    assert.deepEqual(
      entries()
        .map((e) => e.metadata?.name)
        .sort(),
      before,
    );
  });

  await t.test('a change that rewrites the entries takes one pass: the echoes of its writes ask for none', async () => {
    let passes = 0;
    const count = (): void => void passes++;
    await new Promise((r) => setTimeout(r, 300));
    controller.on('reconciled', count);
    try {
      await moveGateway('eu-remote-2');
      // Time for the echoes of the 12 writes to arrive and for any pass they asked for to run (debounce 20 ms).
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(passes, 1, 'one pass for the pod change, none for the echoes');
    } finally {
      controller.off('reconciled', count);
    }
  });

  await t.test(
    'a generated entry edited by hand is put back: an edit is never taken for the echo of a write',
    async () => {
      const entry = entries()[0];
      const name = entry?.metadata?.name;
      const address = (entry?.spec as { address?: string } | undefined)?.address;
      assert.ok(name && address, 'an entry to edit');
      const edited = c1.put({ ...entry, spec: { ...(entry?.spec as object), address: '192.0.2.99' } } as never);
      assert.equal((edited.spec as { address?: string }).address, '192.0.2.99', 'the edit is stored');
      await waitFor('the entry restored', () =>
        entries().some((e) => e.metadata?.name === name && (e.spec as { address?: string }).address === address),
      );
    },
  );

  await t.test('when the controller stops, the generated objects stay', async () => {
    await controller.stop();
    running.controller = undefined;
    assert.equal(entries().length, 12);
  });
});
