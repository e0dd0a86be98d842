/**
 * The cluster's DNS for pods of the built-in meshbridge image, preloaded into their process (`--import`): a local
 * cluster has no resolver of its own, and the host's resolver knows nothing of `meshbridge-mgmt.meshbridge.svc`.
 * Local clusters give Services no cluster IP (the mesh routes by name, the load balancer serves LoadBalancer
 * addresses), so a Service name resolves to the addresses of its ready endpoints, as a headless Service's does,
 * with the search path a pod gets from kube-dns (`<ns>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`);
 * every other name goes to the host's resolver. Only Services whose ports equal their target ports are listed
 * (a client dials the Service's port on the pod).
 *
 * The table is a JSON file the pod runner rewrites (atomically) when Services change, named by
 * `MESHBRIDGE_CLUSTER_DNS`; it is re-read when its modification time changes. `net`, `tls`, `http(s)` and
 * `fetch` all resolve through `dns.lookup`, which this replaces.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

/** The table's shape: fully qualified Service name (`name.ns.svc.cluster.local`) -> ready endpoint addresses. */
export type ClusterDnsTable = Record<string, string[]>;

/** The fully qualified names a query tries, in kube-dns' search order (a name with 4+ dots is tried as is first). */
export function candidates(name: string, namespace: string): string[] {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (name.endsWith('.')) return [host];
  const search = [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'].map((d) => `${host}.${d}`);
  return host.split('.').length > 4 ? [host, ...search] : [...search, host];
}

/**
 * Resolves `name` in the table: its addresses, the one to use first picked at random (clients take the first, so
 * connections spread over the ready pods); undefined when it is not a Service of the cluster or has no ready pod.
 */
export function resolveIn(table: ClusterDnsTable, name: string, namespace: string): string[] | undefined {
  for (const fqdn of candidates(name, namespace)) {
    const ips = table[fqdn];
    if (ips !== undefined && ips.length > 0) {
      const first = Math.floor(Math.random() * ips.length);
      return [...ips.slice(first), ...ips.slice(0, first)];
    }
  }
  return undefined;
}

const file = process.env.MESHBRIDGE_CLUSTER_DNS;
const namespace = process.env.POD_NAMESPACE ?? 'default';

if (file) {
  let cached: { mtimeMs: number; table: ClusterDnsTable } | undefined;
  const table = (): ClusterDnsTable => {
    try {
      const mtimeMs = statSync(file).mtimeMs;
      if (cached?.mtimeMs !== mtimeMs) {
        cached = { mtimeMs, table: JSON.parse(readFileSync(file, 'utf8')) as ClusterDnsTable };
      }
      return cached.table;
    } catch {
      return cached?.table ?? {};
    }
  };
  const hostLookup = dns.lookup;
  type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
  const lookup = (hostname: string, options: unknown, callback?: unknown): void => {
    const cb = (typeof options === 'function' ? options : callback) as Callback;
    const opts: LookupOptions =
      typeof options === 'object' && options !== null
        ? (options as LookupOptions)
        : typeof options === 'number'
          ? { family: options }
          : {};
    const ips = isIP(hostname) === 0 ? resolveIn(table(), hostname, namespace) : undefined;
    if (ips === undefined) {
      (hostLookup as (h: string, o: LookupOptions, c: Callback) => void)(hostname, opts, cb);
      return;
    }
    const all = ips.map((address) => ({ address, family: isIP(address) }));
    process.nextTick(() => (opts.all ? cb(null, all) : cb(null, all[0]?.address ?? '', all[0]?.family)));
  };
  (dns as { lookup: unknown }).lookup = lookup;
  const hostPromises = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = (hostname: string, options?: LookupOptions) => {
    const ips = isIP(hostname) === 0 ? resolveIn(table(), hostname, namespace) : undefined;
    if (ips === undefined) return hostPromises(hostname, options ?? {});
    const all = ips.map((address) => ({ address, family: isIP(address) }));
    return Promise.resolve(options?.all ? all : all[0]);
  };
  syncBuiltinESMExports();
}
