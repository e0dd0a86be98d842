/**
 * The kubeconfig `local up` writes (contract B): one cluster, user and context per embedded cluster, context name
 * = cluster name, plain-HTTP loopback server (marked insecure-skip-tls-verify), a static token user. Pure rendering plus a writer.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ClusterInfo } from '../config.js';

/** Renders the kubeconfig for the clusters (the first one is the current context). */
export function renderKubeconfig(clusters: readonly ClusterInfo[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP on loopback: @kubernetes/client-node refuses http:// servers unless TLS verification is marked
    // as skipped, and kubectl accepts the flag for http:// as well.
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.apiUrl ?? '', 'insecure-skip-tls-verify': true },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: 'meshbridge-local' } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-admin` } })),
    'current-context': clusters[0]?.name ?? '',
    preferences: {},
  });
}

/** Writes the kubeconfig (mode 0600: it holds a token). */
export function writeKubeconfig(file: string, clusters: readonly ClusterInfo[]): void {
  writeFileSync(file, renderKubeconfig(clusters), { mode: 0o600 });
}
