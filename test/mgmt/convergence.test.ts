/**
 * xDS convergence through the management plane: the federation controller's forwarder reads a real cluster API's
 * convergence list (an embedded API server serving the extension) and PUTs it to a real management plane; GET
 * /v2/convergence lists it for `meshbridge status`, whose lines are checked; a cluster that serves no list (Istio)
 * is reported as unavailable. On SQLite and PostgreSQL. Only an org-admin of the Cluster's organization writes;
 * every refusal leaves the stored reports as they were.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectConvergence, StoredConvergence } from '../../src/api/convergence.js';
import { convergenceLines } from '../../src/cli/commands/mgmt-status.js';
import { ConvergenceForwarder, HttpConvergenceSink, UNAVAILABLE } from '../../src/federation/convergence-forwarder.js';
import type { FederationConfig } from '../../src/federation/types.js';
import { createClusterClient, type ClusterClient } from '../../src/kube/client.js';
import { startApiServer } from '../../src/local/server/api-server.js';
import { convergenceExtension } from '../../src/local/server/convergence-api.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { KubeConfig } from '@kubernetes/client-node';
import { call, startTestMgmt, tokenFor } from './support/harness.js';
import { describeOnBothStores } from './support/postgres.js';

const object = (name: string, acked: number, proxies: number): ObjectConvergence => ({
  kind: 'Service',
  namespace: 'bookinfo',
  name,
  written: { revision: 7, at: '2026-12-06T10:00:00.000Z' },
  inXds: { revision: 7, resources: [`outbound|9080||${name}.bookinfo.svc.cluster.local`] },
  proxies,
  acked,
  conditions: [
    acked === proxies
      ? {
          type: 'Converged',
          status: 'True',
          reason: 'AllProxiesAcked',
          message: `ACKed by ${acked} of ${proxies} proxies`,
        }
      : {
          type: 'Converged',
          status: 'False',
          reason: 'ProxiesPending',
          message: `ACKed by ${acked} of ${proxies} proxies`,
        },
  ],
});

/** A cluster API (plain HTTP, in process) serving `items` as its convergence, or no list at all. */
async function clusterApi(
  items: () => ObjectConvergence[] | undefined,
): Promise<{ client: ClusterClient; close: () => Promise<void> }> {
  const token = newApiToken();
  const api = await startApiServer({
    store: new ClusterStore({ file: join(mkdtempSync(join(tmpdir(), 'mb-conv-')), 'store.db') }),
    port: 0,
    token,
    extension: convergenceExtension(items),
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain HTTP in process: client-node wants that said.
    clusters: [{ name: 'c', server: api.url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return { client: createClusterClient({ name: 'c', kubeConfig: kc }), close: () => api.close() };
}

const clusterObject = (name: string) => ({
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind: 'Cluster',
  metadata: { organization: 'tetrate', name },
  spec: { network: name, locality: { region: 'r' } },
});

async function scenario(store: string | undefined): Promise<void> {
  const m = await startTestMgmt(store ? { store } : {});
  const meshed = await clusterApi(() => [object('details', 2, 3), object('ratings', 3, 3)]);
  const istio = await clusterApi(() => undefined);
  try {
    const applied = await call(m.url, 'POST', '/v2/apply', {
      token: m.adminToken,
      body: {
        objects: [
          { apiVersion: 'api.tsb.tetrate.io/v2', kind: 'Organization', metadata: { name: 'tetrate' } },
          clusterObject('cluster-1'),
          clusterObject('cluster-2'),
        ],
      },
    });
    assert.equal(applied.status, 200, applied.text);
    const config = {
      clusters: [clusterObject('cluster-1'), clusterObject('cluster-2')],
    } as unknown as FederationConfig;
    const errors: string[] = [];
    const forwarder = new ConvergenceForwarder({
      config: () => config,
      client: (name) => (name === 'cluster-1' ? meshed.client : istio.client),
      sink: new HttpConvergenceSink({ url: m.url, token: m.adminToken, onError: (e) => errors.push(e.message) }),
    });
    await forwarder.pass();
    assert.deepEqual(errors, []);
    const listed = (await call(m.url, 'GET', '/v2/convergence', { token: m.adminToken })).json as {
      clusters: StoredConvergence[];
    };
    assert.deepEqual(
      listed.clusters.map((c) => [c.cluster, c.items?.map((o) => `${o.name}:${o.acked}/${o.proxies}`), c.unavailable]),
      [
        ['cluster-1', ['details:2/3', 'ratings:3/3'], undefined],
        ['cluster-2', undefined, UNAVAILABLE],
      ],
      'the pending object first; Istio unavailable',
    );
    const now = Date.parse(listed.clusters[0]?.updatedAt ?? '') + 3000;
    assert.deepEqual(convergenceLines(listed.clusters, now, false), [
      'xDS convergence (per cluster, as the controller last read it):',
      '  cluster-1: 1 of 2 objects Converged (3s ago)',
      '    Service bookinfo/details: written rev 7 at 2026-12-06T10:00:00.000Z -> in xDS rev 7 -> ACKed by 2 of 3 proxies: not converged (ProxiesPending)',
      `  cluster-2: unknown: ${UNAVAILABLE} (${Math.round((now - Date.parse(listed.clusters[1]?.updatedAt ?? '')) / 1000)}s ago)`,
    ]);

    // Refusals: a located error each, and the stored reports unchanged.
    const reader = await tokenFor(m, 'r', 'reader');
    const otherOrg = await tokenFor(m, 'o', 'org-admin', { organization: 'other' });
    const good = { organization: 'tetrate', items: [object('details', 3, 3)] };
    const refused: [string, unknown, string, number, RegExp][] = [
      ['cluster-1', good, reader, 403, /MB9002/],
      ['cluster-1', good, otherOrg, 403, /MB9002/],
      ['cluster-9', good, m.adminToken, 404, /MB9005/],
      ['Bad_Name', good, m.adminToken, 400, /MB9007/],
      ['cluster-1', { ...good, extra: 1 }, m.adminToken, 400, /MB9007/],
      [
        'cluster-1',
        { organization: 'tetrate', items: [{ ...object('x', 1, 1), proxies: -1 }] },
        m.adminToken,
        400,
        /items\.0\.proxies/,
      ],
      [
        'cluster-1',
        { organization: 'tetrate', items: [{ ...object('x', 1, 1), kind: 'Pod' }] },
        m.adminToken,
        400,
        /items\.0\.kind/,
      ],
      [
        'cluster-1',
        { organization: 'tetrate', items: Array.from({ length: 10_001 }, () => object('x', 1, 1)) },
        m.adminToken,
        400,
        /items/,
      ],
    ];
    for (const [cluster, body, token, status, message] of refused) {
      const reply = await call(m.url, 'PUT', `/v2/convergence/${cluster}`, { token, body });
      assert.equal(reply.status, status, `${cluster}: ${reply.text}`);
      assert.match(reply.text, message, cluster);
    }
    const after = (await call(m.url, 'GET', '/v2/convergence', { token: m.adminToken })).json as {
      clusters: StoredConvergence[];
    };
    assert.deepEqual(after, listed, 'nothing refused was stored');
    assert.equal((await call(m.url, 'GET', '/v2/convergence')).status, 401);
    assert.deepEqual(
      ((await call(m.url, 'GET', '/v2/convergence', { token: otherOrg })).json as { clusters: unknown[] }).clusters,
      [],
      "another organization's admin reads none of this organization's clusters",
    );

    // An unchanged list is not sent again; a change is.
    let puts = 0;
    const counting = new ConvergenceForwarder({
      config: () => config,
      client: (name) => (name === 'cluster-1' ? meshed.client : undefined),
      sink: { report: async () => ((puts += 1), true) },
    });
    await counting.pass();
    await counting.pass();
    assert.equal(puts, 1);
  } finally {
    await meshed.close();
    await istio.close();
    await m.close();
  }
}

describeOnBothStores(
  'xDS convergence through the management plane',
  'forwarded from a cluster API, listed, printed; refusals store nothing',
  scenario,
);
