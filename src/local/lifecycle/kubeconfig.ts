/**
 * The kubeconfig `local up` writes (contract B): one cluster, user and context per embedded cluster, context name
 * = cluster name, HTTPS loopback server verified against the home's API CA, a user holding that cluster's own
 * random API token (api-token.ts). Pure rendering plus a writer.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { ClusterInfo } from '../config.js';

/** One cluster of the kubeconfig: its facts and its API token. */
export interface KubeconfigCluster {
  readonly info: ClusterInfo;
  readonly token: string;
}

/**
 * Renders the kubeconfig for the clusters (the first one is the current context); `caPem` is the CA of the APIs'
 * serving certificates (server/tls.ts).
 */
export function renderKubeconfig(clusters: readonly KubeconfigCluster[], caPem: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // HTTPS verified against the home's API CA: kubectl sends a token over TLS only, and never skips verification.
    clusters: clusters.map(({ info }) => ({
      name: info.name,
      cluster: { server: info.apiUrl ?? '', 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
    })),
    users: clusters.map(({ info, token }) => ({ name: `${info.name}-admin`, user: { token } })),
    contexts: clusters.map(({ info }) => ({
      name: info.name,
      context: { cluster: info.name, user: `${info.name}-admin` },
    })),
    'current-context': clusters[0]?.info.name ?? '',
    preferences: {},
  });
}

/** Writes the kubeconfig (mode 0600 also when it already existed with a wider mode: it holds the tokens). */
export function writeKubeconfig(file: string, clusters: readonly KubeconfigCluster[], caPem: string): void {
  writeFileSync(file, renderKubeconfig(clusters, caPem), { mode: 0o600 });
  chmodSync(file, 0o600);
}
