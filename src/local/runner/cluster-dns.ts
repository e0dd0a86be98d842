/**
 * The cluster's DNS for pods of the built-in meshbridge image, preloaded into their process (`--import`): a local
 * cluster has no resolver of its own, and the host's resolver knows nothing of `meshbridge-mgmt.meshbridge.svc`.
 * Names of Services resolve to their cluster IP, with the search path a pod gets from kube-dns
 * (`<ns>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`); every other name goes to the host's resolver.
 *
 * The table is a JSON file the pod runner rewrites (atomically) when Services change, named by
 * `MESHBRIDGE_CLUSTER_DNS`; it is re-read when its modification time changes. `net`, `tls`, `http(s)` and
 * `fetch` all resolve through `dns.lookup`, which this replaces.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { syncBuiltinESMExports } from 'node:module';

/** The table's shape: fully qualified Service name (`name.ns.svc.cluster.local`) -> cluster IP. */
export type ClusterDnsTable = Record<string, string>;

/** The fully qualified names a query tries, in kube-dns' search order (a name with 4+ dots is tried as is first). */
export function candidates(name: string, namespace: string): string[] {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (name.endsWith('.')) return [host];
  const search = [`${namespace}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'].map((d) => `${host}.${d}`);
  return host.split('.').length > 4 ? [host, ...search] : [...search, host];
}

/** Resolves `name` in the table; undefined when it is not a Service of the cluster. */
export function resolveIn(table: ClusterDnsTable, name: string, namespace: string): string | undefined {
  for (const fqdn of candidates(name, namespace)) {
    const ip = table[fqdn];
    if (ip !== undefined) return ip;
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
    const ip = isIP(hostname) === 0 ? resolveIn(table(), hostname, namespace) : undefined;
    if (ip === undefined) {
      (hostLookup as (h: string, o: LookupOptions, c: Callback) => void)(hostname, opts, cb);
      return;
    }
    const family = isIP(ip);
    process.nextTick(() => (opts.all ? cb(null, [{ address: ip, family }]) : cb(null, ip, family)));
  };
  (dns as { lookup: unknown }).lookup = lookup;
  syncBuiltinESMExports();
}
