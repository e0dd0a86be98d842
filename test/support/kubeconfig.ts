/**
 * A kubeconfig for plain-HTTP embedded cluster APIs: one context per API (context = cluster name), like `local up`
 * writes, without the CA (`local up`'s own, HTTPS, is src/local/lifecycle/kubeconfig.ts). Used by the federation
 * tests and the federation benchmark.
 */
export function kubeconfigFor(servers: Record<string, { url: string; token: string }>): string {
  const names = Object.keys(servers);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((n) => ({ name: n, cluster: { server: servers[n]?.url, 'insecure-skip-tls-verify': true } })),
    users: names.map((n) => ({ name: `${n}-admin`, user: { token: servers[n]?.token } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: `${n}-admin` } })),
    'current-context': names[0],
  });
}
