/**
 * DNS resolution of gateway addresses given as names (load-balancer hostnames, the external-addresses annotation).
 * Done before planning so the plan stays pure: its result is an input of `plan`.
 */
import { lookup } from 'node:dns/promises';
import type { ClusterInventory } from './inventory.js';

/** Resolves a name to IPv4/IPv6 addresses (sorted); an empty list when it does not resolve. */
export type Resolver = (name: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, like the rest of the host). */
export const systemResolver: Resolver = async (name) => {
  try {
    return [...new Set((await lookup(name, { all: true })).map((a) => a.address))].sort();
  } catch {
    return [];
  }
};

/** Resolves every DNS-named gateway address of the inventories. */
export async function resolveGatewayNames(
  inventories: readonly ClusterInventory[],
  resolver: Resolver = systemResolver,
): Promise<Record<string, string[]>> {
  const names = new Set(
    inventories.flatMap((i) =>
      i.gateways.flatMap((g) => g.addresses.filter((a) => a.type === 'dns').map((a) => a.value)),
    ),
  );
  const out: Record<string, string[]> = {};
  await Promise.all([...names].map(async (n) => (out[n] = await resolver(n))));
  return out;
}
