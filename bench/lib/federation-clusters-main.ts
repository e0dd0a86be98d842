/**
 * The federation benchmark's clusters process (started by federation-clusters.ts): C embedded Kubernetes APIs, each
 * a SQLite store and an API server on its own loopback address, seeded with federation-world.ts's objects. It
 * watches its stores for the generated objects (WorkloadEntries, ServiceEntries) and times their writes.
 */
import { join } from 'node:path';
import { startApiServer, type ApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../../src/local/store/types.js';
import { serve } from './child-rpc.js';
import type { ClustersReply, ClustersRequest } from './federation-clusters.js';
import { clusterObjects, GATEWAY, NS, REFS } from './federation-world.js';

const GENERATED = new Set(['workloadentries', 'serviceentries']);

interface Cluster {
  readonly name: string;
  readonly store: ClusterStore;
  readonly server: ApiServer;
  readonly token: string;
}

const clusters: Cluster[] = [];
/** Every generated object's last write (hrtime ns) and the addresses it names, by cluster/plural/name. */
const writes = new Map<string, { atNs: bigint; addresses: string[] }>();
/** During a change: the objects still to name the new address (kept by the store listener, not polled). */
let pending: { readonly keys: Set<string>; readonly address: string } | undefined;

/** Addresses an object of a generated kind names (a WorkloadEntry's address, a ServiceEntry's endpoints'). */
function addressesOf(o: StoredObject): string[] {
  const spec = (o as { spec?: { address?: string; endpoints?: { address?: string }[] } }).spec;
  return [
    ...(spec?.address ? [spec.address] : []),
    ...(spec?.endpoints ?? []).flatMap((e) => (e.address ? [e.address] : [])),
  ];
}

async function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

serve<ClustersRequest, ClustersReply>(async (m) => {
  switch (m.op) {
    case 'start': {
      for (let k = 0; k < m.clusters; k++) {
        const store = new ClusterStore({ file: join(m.dir, `c${k}.db`) });
        const token = newApiToken();
        const server = await startApiServer({ store, host: `127.${m.base}.${k}.1`, port: 0, token });
        const c: Cluster = { name: `c${k}`, store, server, token };
        clusters.push(c);
        for (const o of clusterObjects(k, m.clusters, m.services, `10.0.${k}.1`)) {
          store.create(REFS[String(o.kind)] as ResourceRef, o);
        }
        store.subscribe((ch) => {
          if (!GENERATED.has(ch.resource.plural)) return;
          const key = `${c.name}/${ch.resource.plural}/${ch.object.metadata.name}`;
          if (ch.type === 'DELETED') {
            writes.delete(key);
            return;
          }
          const addresses = addressesOf(ch.object);
          writes.set(key, { atNs: process.hrtime.bigint(), addresses });
          if (pending?.keys.has(key) && addresses.includes(pending.address)) pending.keys.delete(key);
        });
      }
      return { op: 'started', apis: clusters.map((c) => ({ name: c.name, url: c.server.url, token: c.token })) };
    }
    case 'await-initial': {
      // Settled: the expected count, then a quiet spell. Quiet alone is not enough: a controller can pause that
      // long between its first lists and its writes.
      let lastCount = -1;
      let quietSince = process.hrtime.bigint();
      const quietNs = BigInt(m.quietMs) * 1_000_000n;
      await waitUntil(
        `the initial sync (${m.expected} generated objects)`,
        () => {
          if (writes.size !== lastCount) {
            lastCount = writes.size;
            quietSince = process.hrtime.bigint();
          }
          return writes.size >= m.expected && process.hrtime.bigint() - quietSince > quietNs;
        },
        m.timeoutMs,
      ).catch((err: Error) => {
        throw new Error(`${err.message}: ${writes.size} written`);
      });
      let last = 0n;
      for (const w of writes.values()) if (w.atNs > last) last = w.atNs;
      return { op: 'initial', objects: writes.size, lastWriteNs: String(last) };
    }
    case 'change-gateway': {
      const affected = [...writes].filter(([, w]) => w.addresses.includes(m.oldIp)).map(([k]) => k);
      if (affected.length === 0) throw new Error(`no generated object names ${m.oldIp}`);
      const gateway = clusters[0] as Cluster;
      const svcRef = REFS.Service as ResourceRef;
      const svc = gateway.store.get(svcRef, NS, GATEWAY) as StoredObject;
      const at = process.hrtime.bigint();
      const change = { keys: new Set(affected), address: m.newIp };
      pending = change;
      gateway.store.update(svcRef, {
        ...svc,
        status: { loadBalancer: { ingress: [{ ip: m.newIp }] } },
      } as StoredObject);
      await waitUntil(`every object naming ${m.oldIp} updated`, () => change.keys.size === 0, m.timeoutMs).catch(
        (err: Error) => {
          const stale = [...change.keys];
          const sample = stale.slice(0, 3).map((k) => `${k} -> ${JSON.stringify(writes.get(k)?.addresses)}`);
          throw new Error(
            `${err.message}: ${stale.length} of ${affected.length} not updated, e.g. ${sample.join('; ')}`,
          );
        },
      );
      pending = undefined;
      return {
        op: 'changed',
        latenciesMs: affected.map((k) => Number((writes.get(k)?.atNs ?? at) - at) / 1e6),
      };
    }
    case 'close':
      for (const c of clusters) {
        await c.server.close();
        c.store.close();
      }
      process.disconnect?.();
      return undefined;
  }
});
