/**
 * Chaos case: a restart of the management plane on PostgreSQL. The suite's control process opens a PostgreSQL
 * store (chaos.test.ts sets `MESHBRIDGE_STORE`); it is stopped (SIGTERM, a clean shutdown as an upgrade
 * would do) and the supervisor starts it again. The data plane does not depend on it: 0 failed requests. The
 * configuration must survive: the restarted process opens the same PostgreSQL store, the workspace and its setting
 * are still there, and cluster-1 keeps the same WorkloadEntries the federation generated before the restart.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { C1 } from '../../../src/demo/walkthrough.js';
import { controlPid, controlUrl } from '../../../src/local/lifecycle/control.js';
import type { ChaosCase, ChaosContext } from '../support.js';
import { eventually, until } from '../support.js';
import { NS } from './topology.js';

/** The store the running control process opened (its ready file records it, redacted). */
function controlStore(ctx: ChaosContext): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(ctx.home, 'control', 'ready.json'), 'utf8')) as { store?: string }).store;
  } catch {
    return undefined;
  }
}

/** The name of the stored object `meshbridge get KIND NAME -o json` prints (the command fails when there is none). */
async function stored(ctx: ChaosContext, kind: string, name: string): Promise<string> {
  return (JSON.parse(await ctx.meshbridge('get', kind, name, '-o', 'json')) as { metadata: { name: string } }).metadata
    .name;
}

/** cluster-1's generated WorkloadEntries, sorted. */
async function entries(ctx: ChaosContext): Promise<string> {
  return (await ctx.kubectl(C1, 'get', 'workloadentries', '-n', NS, '-o', 'name')).split('\n').sort().join('\n');
}

function mgmtRestart(): ChaosCase {
  let before = '';
  return {
    name:
      'a restart of the management plane on PostgreSQL (SIGTERM, restarted by the supervisor): 0 failed requests, ' +
      'workspace, setting and generated entries kept',
    async prepare(ctx) {
      assert.match(controlStore(ctx) ?? '', /^postgres/, 'the control process runs on PostgreSQL');
      before = await entries(ctx);
      assert.match(before, /k-details-/, 'cluster-1 has generated entries before the restart');
    },
    inject(ctx) {
      const old = controlPid(ctx.home);
      if (old === undefined) throw new Error('the control process is not running');
      process.kill(old, 'SIGTERM');
      return Promise.resolve(async () => {
        await until(() => {
          const pid = controlPid(ctx.home);
          return pid !== undefined && pid !== old && controlUrl(ctx.home) !== undefined;
        });
      });
    },
    // After the load: on a busy machine the CLI and kubectl calls take seconds, which is not the restart's time.
    async check(ctx) {
      assert.match(controlStore(ctx) ?? '', /^postgres/, 'the restarted control process runs on PostgreSQL');
      assert.equal(await stored(ctx, 'ws', 'bookinfo-ws'), 'bookinfo-ws', 'the workspace survived the restart');
      assert.equal(
        await stored(ctx, 'wss', 'bookinfo-ws-setting'),
        'bookinfo-ws-setting',
        'the setting survived the restart',
      );
      await eventually(
        "cluster-1's generated WorkloadEntries as before the restart",
        async () => ((await entries(ctx)) === before ? true : undefined),
        60_000,
      );
    },
  };
}

export const mgmtRestartCase: ChaosCase = mgmtRestart();
