// HttpConfigSource against the real management plane: long poll wakes on a change, and while the management plane
// is down the last snapshot stays in force until it returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startMgmt, type RunningMgmt } from '../../src/mgmt/start.js';
import { createLogger } from '../../src/mgmt/logger.js';
import { HttpConfigSource, type ConfigSnapshot } from '../../src/federation/config-source.js';

const tsb = 'api.tsb.tetrate.io/v2';
const quiet = () => createLogger({ level: 'error', destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the snapshot long poll follows changes and survives a management plane restart', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'mb-fed-src-'));
  const state: { mgmt?: RunningMgmt; source?: HttpConfigSource } = {};
  t.after(async () => {
    await state.source?.stop();
    await state.mgmt?.close();
    rmSync(home, { recursive: true, force: true });
  });
  const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  state.mgmt = await startMgmt({ listen: `${host}:0`, home, plainHttp: true, logger: quiet() });
  const url = state.mgmt.url;
  const port = new URL(url).port;
  const token = readFileSync(join(home, 'admin-token'), 'utf8').trim();
  const apply = async (objects: unknown[]): Promise<void> => {
    const res = await fetch(new URL('/v2/apply', state.mgmt?.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ objects }),
    });
    assert.equal(res.status, 200, await res.text());
  };
  await apply([{ apiVersion: tsb, kind: 'Organization', metadata: { name: 'o' } }]);

  const errors: string[] = [];
  const seen: ConfigSnapshot[] = [];
  const source = new HttpConfigSource({
    url,
    token,
    waitSeconds: 5,
    retryMs: 100,
    onError: (e) => errors.push(e.message),
  });
  state.source = source;
  source.subscribe((s) => seen.push(s));
  await source.start();
  assert.equal(source.current()?.config.clusters.length, 0);

  await apply([
    { apiVersion: tsb, kind: 'Cluster', metadata: { organization: 'o', name: 'c1' }, spec: { network: 'n1' } },
  ]);
  await waitFor('the new cluster', () => source.current()?.config.clusters.length === 1);
  assert.ok(seen.length >= 2);

  await state.mgmt.close();
  state.mgmt = undefined;
  await waitFor('a failed poll', () => errors.length > 0);
  // The last snapshot stays in force while the management plane is away.
  assert.equal(source.current()?.config.clusters[0]?.metadata.name, 'c1');

  state.mgmt = await startMgmt({ listen: `${host}:${port}`, home, plainHttp: true, logger: quiet() });
  await apply([
    { apiVersion: tsb, kind: 'Cluster', metadata: { organization: 'o', name: 'c2' }, spec: { network: 'n2' } },
  ]);
  await waitFor('the cluster added after the restart', () => source.current()?.config.clusters.length === 2);
});
