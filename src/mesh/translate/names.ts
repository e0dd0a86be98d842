/** Istio's naming conventions for clusters and mTLS SNI (contract C). */

/** `outbound|<port>||<host>`: the Envoy cluster of a service port. */
export function outboundClusterName(port: number, host: string): string {
  return `outbound|${port}||${host}`;
}

/** `inbound|<port>||`: a sidecar's STATIC cluster forwarding to its own app. */
export function inboundClusterName(port: number): string {
  return `inbound|${port}||`;
}

/** `outbound_.<port>_._.<host>`: the SNI a client sidecar sends for a service port (no subset). */
export function sniFor(port: number, host: string): string {
  return `outbound_.${port}_._.${host}`;
}
