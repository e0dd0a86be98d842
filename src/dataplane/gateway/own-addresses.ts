/**
 * The gateway's own addresses, checked at dial time: an upstream endpoint on any of them (its pod IP, its
 * load-balancer addresses, any address it listens on, or an unspecified address, which reaches this host) would
 * make the gateway connect to itself, and each such connection would be passed through again: one client
 * connection multiplying into thousands until file descriptors run out. Configuration is checked too (the mesh
 * never routes to the gateway's own Service), but configuration can be stale or wrong: the dial is the last word.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** Normalises an IP literal: lower case, IPv4-mapped IPv6 (`::ffff:a.b.c.d`) as plain IPv4, zone id dropped. */
export function normaliseIp(ip: string): string {
  const bare = ip
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  return mapped ? (mapped[1] as string) : bare;
}

/** An immutable set of the gateway's own addresses. */
export class OwnAddresses {
  private readonly set: ReadonlySet<string>;

  /** `addresses`: every IP the gateway owns or listens on (its pod IP and load-balancer addresses at least). */
  constructor(addresses: Iterable<string>) {
    this.set = new Set([...addresses].map(normaliseIp));
  }

  /** Whether dialling this IP literal would reach the gateway itself. */
  has(ip: string): boolean {
    const n = normaliseIp(ip);
    return this.set.has(n) || n === '0.0.0.0' || n === '::' || n === '0:0:0:0:0:0:0:0';
  }

  /**
   * Where to dial for an endpoint host: the IP itself, or for a name every address it resolves to; `self` when any
   * of them is the gateway's own (a name is never dialled as a name, so it cannot resolve differently later).
   */
  async resolve(host: string): Promise<{ ok: true; ip: string } | { ok: false; reason: 'self' | 'unresolved' }> {
    if (net.isIP(normaliseIp(host)) !== 0) {
      return this.has(host) ? { ok: false, reason: 'self' } : { ok: true, ip: normaliseIp(host) };
    }
    let ips: string[];
    try {
      ips = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return { ok: false, reason: 'unresolved' };
    }
    if (ips.length === 0) return { ok: false, reason: 'unresolved' };
    if (ips.some((ip) => this.has(ip))) return { ok: false, reason: 'self' };
    return { ok: true, ip: ips[0] as string };
  }
}
