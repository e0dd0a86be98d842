/**
 * Which objects are candidate endpoints of a Service: the mesh's rule, shared with `explain` so both see the same
 * candidates. Pure.
 */
import { isIP } from 'node:net';

/**
 * Whether a Service's `selector` selects an object with `labels` (a pod or a WorkloadEntry in the Service's
 * namespace): every selector entry must match, and an empty selector selects nothing (a Service without selector
 * has no managed endpoints, as in Kubernetes).
 */
export function selectorMatches(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** Whether an address can be an xDS endpoint: Envoy's EDS and grpc-js-xds take IPs only, never names. */
export function isEndpointAddress(address: string | undefined): boolean {
  return address !== undefined && address !== '' && isIP(address) !== 0;
}
