/**
 * Pure routing helpers: which virtual host a request's authority selects, and the Istio SNI of a cluster.
 */
import type { RouteConfigModel, VirtualHostModel } from '../xds/model.js';

/**
 * Normalizes an authority to `host:port` (lower case, default port 80) from an absolute-form target
 * (`http://details:9080/x`) or a Host header.
 */
export function requestAuthority(
  url: string,
  hostHeader: string | undefined,
): { authority: string; path: string; host: string } | undefined {
  let host = hostHeader;
  let path = url;
  if (/^https?:\/\//i.test(url)) {
    try {
      const u = new URL(url);
      host = u.host;
      path = u.pathname + u.search;
    } catch {
      return undefined;
    }
  }
  if (!host) return undefined;
  const original = host;
  host = host.toLowerCase();
  const authority = /:\d+$/.test(host) ? host : `${host}:80`;
  // `host` is what the upstream gets as Host: the absolute-form authority wins over the header (RFC 9112 3.2.2).
  return { authority, path: path || '/', host: original };
}

/** Index from domain to virtual host, Envoy-style: exact `host:port` or, for port 80, also bare `host`; `*` last. */
export class VirtualHostIndex {
  private readonly exact = new Map<string, VirtualHostModel>();
  private wildcard: VirtualHostModel | undefined;

  constructor(config: RouteConfigModel | undefined) {
    for (const vh of config?.virtualHosts ?? []) {
      for (const d of vh.domains) {
        const domain = d.toLowerCase();
        if (domain === '*') this.wildcard ??= vh;
        else if (!this.exact.has(domain)) this.exact.set(domain, vh);
      }
    }
  }

  /** The virtual host for a normalized `host:port` authority. */
  match(authority: string): VirtualHostModel | undefined {
    const hit = this.exact.get(authority);
    if (hit) return hit;
    if (authority.endsWith(':80')) {
      const bare = this.exact.get(authority.slice(0, -3));
      if (bare) return bare;
    }
    return this.wildcard;
  }
}

/** `outbound|9080|v1|details.bookinfo.svc.cluster.local` -> `outbound_.9080_.v1_.details.bookinfo.svc.cluster.local`. */
export function sniForCluster(clusterName: string): string | undefined {
  const m = /^outbound\|(\d+)\|([^|]*)\|(.+)$/.exec(clusterName);
  if (!m) return undefined;
  return `outbound_.${m[1]}_.${m[2]}_.${m[3]}`;
}

/** Parses an Istio SNI back to its cluster name; undefined when it is not of that shape. */
export function clusterForSni(sni: string): string | undefined {
  const m = /^outbound_\.(\d{1,5})_\.([a-z0-9-]*)_\.([a-z0-9]([a-z0-9.-]*[a-z0-9])?)$/.exec(sni);
  if (!m) return undefined;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return undefined;
  return `outbound|${port}|${m[2]}|${m[3]}`;
}

/** The service FQDN of a cluster name (`outbound|9080||details.bookinfo.svc.cluster.local`). */
export function serviceOfCluster(clusterName: string): string {
  return clusterName.split('|')[3] ?? clusterName;
}
