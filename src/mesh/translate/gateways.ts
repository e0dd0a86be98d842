/**
 * Which services an East-West gateway proxy exports, read from the Istio `Gateway` objects that select it (as
 * istiod builds a gateway's listeners from its Gateways). Pure.
 *
 * Stricter than Istio on purpose, because what crosses a cluster boundary must be written, not implied:
 * - a Gateway configures only gateway proxies of its own namespace (Istio's `PILOT_SCOPE_GATEWAY_TO_NAMESPACE`),
 *   and only through a non-empty `selector` that the proxy's labels satisfy;
 * - only `AUTO_PASSTHROUGH` servers on port 15443 count (the only port an East-West gateway serves);
 * - a host is an exact FQDN, optionally prefixed `<namespace>/` (or `*` / `./` for any / the Gateway's
 *   namespace) as in Istio; a wildcard host (`*`, `*.local`, `*.svc.cluster.local`) exports nothing: exporting
 *   by wildcard is the over-exposure of CVE-2021-31921.
 */
import type { Gateway } from '../inputs.js';
import type { Proxy } from '../proxy.js';
import type { Snapshot } from '../snapshot.js';
import { EAST_WEST_PORT } from './listeners.js';

/** An exported host: the FQDN, and the namespace the service must be in (`*` for any). */
export interface ExportedHost {
  readonly namespace: string;
  readonly host: string;
}

/** Whether `selector` is non-empty and every entry is among `labels`. */
function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>>) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** Parses a Gateway host (`[ns/]fqdn`); undefined for a wildcard or an empty name. */
export function parseGatewayHost(raw: string, gatewayNamespace: string): ExportedHost | undefined {
  const slash = raw.indexOf('/');
  const ns = slash < 0 ? '*' : raw.slice(0, slash);
  const host = (slash < 0 ? raw : raw.slice(slash + 1)).toLowerCase();
  if (host === '' || host.includes('*') || host.includes('/') || ns === '') return undefined;
  return { namespace: ns === '.' ? gatewayNamespace : ns, host };
}

/** The Gateways that configure `proxy`: same namespace, selector matched by its labels. Sorted as the snapshot. */
export function gatewaysFor(snapshot: Snapshot, proxy: Proxy): Gateway[] {
  return snapshot.gateways.filter(
    (g) => (g.metadata.namespace ?? 'default') === proxy.namespace && selects(g.spec.selector, proxy.labels),
  );
}

/**
 * The hosts `proxy` exports through its `AUTO_PASSTHROUGH` servers on 15443, as a predicate over a service's
 * (host, namespace). Empty (nothing exported) when no Gateway selects the proxy.
 */
export function exportedHosts(snapshot: Snapshot, proxy: Proxy): ExportedHost[] {
  const out: ExportedHost[] = [];
  for (const g of gatewaysFor(snapshot, proxy)) {
    for (const server of g.spec.servers ?? []) {
      if (server.port.number !== EAST_WEST_PORT || server.tls?.mode !== 'AUTO_PASSTHROUGH') continue;
      for (const raw of server.hosts) {
        const h = parseGatewayHost(raw, g.metadata.namespace ?? 'default');
        if (h) out.push(h);
      }
    }
  }
  return out;
}

/** Whether a service (FQDN, namespace) is among `hosts`. */
export function isExported(hosts: readonly ExportedHost[], host: string, namespace: string): boolean {
  return hosts.some((h) => h.host === host && (h.namespace === '*' || h.namespace === namespace));
}

/** IPs of the pods (in the proxy's namespace) that the Gateways selecting `proxy` select: its peer replicas. */
export function gatewayPeerIps(snapshot: Snapshot, proxy: Proxy): string[] {
  const selectors = gatewaysFor(snapshot, proxy).map((g) => g.spec.selector);
  return snapshot.pods
    .filter(
      (p) =>
        (p.metadata.namespace ?? 'default') === proxy.namespace &&
        selectors.some((sel) => selects(sel, p.metadata.labels ?? {})),
    )
    .flatMap((p) => (p.status?.podIP ? [p.status.podIP] : []));
}
