import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { XdsClient } from '../../src/dataplane/xds/client.js';
import { TYPE_URLS } from '../../src/xds/index.js';
import { startTestAdsServer } from '../support/ads-server.js';
import type { TestService } from '../support/xds-resources.js';
import { serveSidecarConfig, edsFor, clusterName } from '../support/xds-resources.js';

const details: TestService = {
  name: 'details',
  namespace: 'bookinfo',
  port: 9080,
  endpoints: [
    { address: '127.1.0.5', port: 15006, tls: true },
    { address: '127.2.200.1', port: 15443, tls: true, priority: 1, locality: { region: 'eu-remote-1' } },
  ],
  outlier: { consecutive5xx: 3, maxEjectionPercent: 100 },
};
const node = { id: 'sidecar~127.1.0.9~sleep-1.bookinfo~bookinfo.svc.cluster.local' };
const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('xDS client (ADS, state of the world)', () => {
  it('receives CDS, LDS, then subscribes to the EDS and RDS they name, ACKing each version', async () => {
    const ads = await startTestAdsServer();
    cleanups.push(() => ads.close());
    serveSidecarConfig(ads, { podIp: '127.1.0.9', namespace: 'bookinfo', services: [details] });
    const client = new XdsClient({ address: ads.address, node });
    cleanups.push(() => client.stop());
    client.start();
    await until(() => client.isReady());
    const eds = client.state.endpoint.models.get(clusterName(details));
    assert.equal(eds?.localities.length, 2);
    assert.equal(eds?.overprovisioning, 1.4);
    assert.deepEqual(client.state.endpoint.names, [clusterName(details)]);
    assert.deepEqual(client.state.route.names, ['outbound']);
    const vh = client.state.route.models.get('outbound')?.virtualHosts[0];
    assert.ok(vh?.domains.includes('details:9080'));
    assert.equal(vh?.retry?.numRetries, 2);
    assert.equal(client.state.cluster.models.get(clusterName(details))?.outlier?.consecutive5xx, 3);
    const ack = await ads.waitFor((r) => r.type_url === TYPE_URLS.endpoint && r.version_info !== '');
    assert.equal(ack.error_detail ?? null, null);
    assert.equal(ack.node?.id, node.id);
  });

  it('NACKs an invalid update with error_detail and keeps serving the last good config', async () => {
    const ads = await startTestAdsServer();
    cleanups.push(() => ads.close());
    serveSidecarConfig(ads, { podIp: '127.1.0.9', namespace: 'bookinfo', services: [details] });
    const client = new XdsClient({ address: ads.address, node });
    cleanups.push(() => client.stop());
    client.start();
    await until(() => client.isReady());
    const good = client.state.endpoint.version;
    const nack = once(client, 'nack');
    // Priority gap (0 and 2): Envoy and gRPC reject it.
    const bad = edsFor([{ ...details, endpoints: details.endpoints.map((e, i) => ({ ...e, priority: i * 2 })) }]);
    const badVersion = ads.set('endpoint', bad);
    await nack;
    const req = await ads.waitFor((r) => r.type_url === TYPE_URLS.endpoint && !!r.error_detail);
    assert.equal(req.version_info, good, 'NACK carries the last accepted version');
    assert.match(req.error_detail?.message ?? '', /contiguous/);
    assert.equal(client.state.endpoint.version, good);
    assert.equal(client.state.endpoint.rejected?.version, badVersion);
    assert.equal(client.state.endpoint.models.get(clusterName(details))?.localities.length, 2);
    // Undecodable bytes are NACKed too.
    ads.set('cluster', [{ type_url: TYPE_URLS.cluster, value: Buffer.from([0xff, 0xff, 0xff]) }]);
    await ads.waitFor((r) => r.type_url === TYPE_URLS.cluster && /decode/.test(r.error_detail?.message ?? ''));
    assert.equal(client.state.cluster.models.size, 1);
  });

  it('keeps its config while the control plane is down and reconnects when it returns', async () => {
    const first = await startTestAdsServer();
    serveSidecarConfig(first, { podIp: '127.1.0.9', namespace: 'bookinfo', services: [details] });
    const client = new XdsClient({ address: first.address, node, backoff: { initialMs: 50, maxMs: 200 } });
    cleanups.push(() => client.stop());
    client.start();
    await until(() => client.isReady());
    const down = once(client, 'disconnected');
    await first.close();
    await down;
    assert.equal(client.connected, false);
    assert.equal(client.state.endpoint.models.size, 1, 'still holds the endpoints');
    const port = Number(first.address.split(':')[1]);
    const second = await startTestAdsServer('127.0.0.1', port);
    cleanups.push(() => second.close());
    serveSidecarConfig(second, {
      podIp: '127.1.0.9',
      namespace: 'bookinfo',
      services: [{ ...details, endpoints: details.endpoints.slice(0, 1) }],
    });
    await until(() => client.state.endpoint.models.get(clusterName(details))?.localities.length === 1);
    assert.equal(client.connected, true);
  });
});
