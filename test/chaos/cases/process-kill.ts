/**
 * Chaos cases: kill -9 of the local platform's own processes (a cluster process, the control process). Pods
 * survive their cluster process and are adopted by the one the supervisor starts again (src/local/runner/
 * adoption.ts), so no request through them fails. Recovery is the time until the killed process's successor
 * serves again, without any command.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { controlPid, controlUrl } from '../../../src/local/lifecycle/control.js';
import type { ChaosCase } from '../support.js';
import { until } from '../support.js';

function killClusterProcess(cluster: string, role: string): ChaosCase {
  return {
    name: `kill -9 of ${cluster}'s cluster process (${role}): restarted, its pods adopted, 0 failed requests`,
    inject(ctx) {
      const old = ctx.clusterPid(cluster);
      process.kill(old, 'SIGKILL');
      return Promise.resolve(() =>
        until(async () => {
          const ready = JSON.parse(readFileSync(join(ctx.home, 'clusters', cluster, 'ready.json'), 'utf8')) as {
            pid: number;
          };
          return ready.pid !== old && (await ctx.get(cluster, '/readyz')) === 'ok';
        }),
      );
    },
  };
}

/** kill -9 of cluster-1's process, of cluster-2's process, and of the control process. */
export const processKillCases: readonly ChaosCase[] = [
  killClusterProcess('cluster-1', 'the client side'),
  killClusterProcess('cluster-2', 'the failover target'),
  {
    name: 'kill -9 of the control process (management plane and federation): restarted, 0 failed requests',
    inject(ctx) {
      const old = controlPid(ctx.home);
      if (old === undefined) throw new Error('the control process is not running');
      process.kill(old, 'SIGKILL');
      return Promise.resolve(() =>
        until(() => {
          const pid = controlPid(ctx.home);
          return pid !== undefined && pid !== old && controlUrl(ctx.home) !== undefined;
        }),
      );
    },
  },
];
