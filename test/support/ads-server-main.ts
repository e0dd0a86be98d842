/**
 * The test ADS server as a separate process (so tests can kill -9 the control plane). Usage:
 *   node --import tsx test/support/ads-server-main.ts <host> <port> <resources.json>
 * where resources.json maps kind (cluster, endpoint, route, listener) to raw resources. Prints the address.
 */
import { readFileSync } from 'node:fs';
import type { ResourceKind } from '../../src/xds/index.js';
import { startTestAdsServer } from './ads-server.js';

const [host = '127.0.0.1', port = '0', file = ''] = process.argv.slice(2);
const resources = JSON.parse(readFileSync(file, 'utf8')) as Partial<
  Record<ResourceKind, Array<Record<string, unknown>>>
>;
const ads = await startTestAdsServer(host, Number(port));
for (const kind of ['cluster', 'endpoint', 'route', 'listener'] as const) {
  const r = resources[kind];
  if (r) ads.set(kind, r);
}
process.stdout.write(`${ads.address}\n`);
