/**
 * `meshbridge local up [--clusters ...] | down | status`: the embedded clusters under `$MESHBRIDGE_HOME`
 * (default `./.meshbridge`). `up` is idempotent and recovers crashed clusters; `down` leaves no process behind.
 */
import type { Command } from 'commander';
import { DEFAULT_CLUSTERS, homePaths, meshbridgeHome, parseClusterSpecs } from '../../local/config.js';
import { localDown } from '../../local/lifecycle/down.js';
import { localStatus } from '../../local/lifecycle/status.js';
import { localUp } from '../../local/lifecycle/up.js';
import { controlPid, controlUrl, startControl, stopControl } from '../../local/lifecycle/control.js';
import { readSupervisorState, supervisorPid } from '../../local/lifecycle/supervisor.js';
import { signInUrl } from './sign-in-url.js';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export function registerLocal(program: Command): void {
  const local = program.command('local').description('run embedded clusters on this machine');
  local
    .command('up')
    .description('start the local clusters (idempotent; restarts crashed ones with their stored objects)')
    .option('--clusters <list>', 'NAME=REGION/ZONE,...', DEFAULT_CLUSTERS)
    .option('--org <name>', 'organization the clusters are registered in', 'tetrate')
    .action(async (opts: { clusters: string; org: string }) => {
      const home = meshbridgeHome();
      const results = await localUp({ home, clusters: parseClusterSpecs(opts.clusters) });
      for (const r of results) {
        out(
          `${r.info.name}: ${r.action} (pid ${r.pid}) api ${r.info.apiUrl ?? '?'} ` +
            `locality ${r.info.region}/${r.info.zone} network ${r.info.network} pods 127.${r.info.block}.x.y`,
        );
      }
      const control = await startControl({ home, organization: opts.org });
      out(
        `management plane: ${control.action} (pid ${control.pid}) ${control.url} ` +
          `(admin token in ${home}/admin-token); federation controller running`,
      );
      const signIn = await signInUrl(home);
      out(`web UI (one-time sign-in link, valid until ${signIn.expiresAt}): ${signIn.url}`);
      const kubeconfig = homePaths(home).kubeconfig;
      out(`kubeconfig: ${kubeconfig}`);
      out(`  kubectl --kubeconfig ${kubeconfig} --context ${results[0]?.info.name ?? 'cluster-1'} get pods -A`);
    });
  local
    .command('down')
    .description('stop every local cluster and its pods')
    .action(async () => {
      const stoppedControl = await stopControl(meshbridgeHome());
      if (stoppedControl) out('management plane and federation controller: stopped');
      const results = await localDown(meshbridgeHome(), {
        onStrays: (n) => out(`stopped ${n} process(es) of this home that no cluster process owned any more`),
      });
      if (results.length === 0) out('no local clusters');
      for (const r of results) out(`${r.name}: ${r.stopped ? 'stopped' : 'was not running'}`);
    });
  local
    .command('status')
    .description('list the local clusters, their pods and how far their mesh configuration has converged')
    .action(async () => {
      const home = meshbridgeHome();
      const clusters = await localStatus(home);
      if (clusters.length === 0) out('no local clusters (run `meshbridge local up`)');
      else {
        const pid = controlPid(home);
        const supervisor = supervisorPid(home);
        const controlRestarts = readSupervisorState(home).control?.restarts ?? 0;
        out(
          `supervisor: ${supervisor === undefined ? 'stopped (run `meshbridge local up`)' : `running (pid ${supervisor})`}`,
        );
        out(
          `management plane: ${pid === undefined ? 'stopped' : `running (pid ${pid}) ${controlUrl(home) ?? ''}`} ` +
            `restarts ${controlRestarts}`,
        );
      }
      for (const c of clusters) {
        out(
          `${c.info.name}: ${c.running ? `running (pid ${c.pid ?? '?'})` : 'stopped'} api ${c.info.apiUrl ?? '-'} ` +
            `locality ${c.info.region}/${c.info.zone} restarts ${c.restarts}`,
        );
        const lb = c.loadBalancer;
        out(`  load balancer: ${lb.pid === undefined ? 'stopped' : `running (pid ${lb.pid})`} restarts ${lb.restarts}`);
        if (c.xds) {
          out(`  xDS: ${c.xds.converged}/${c.xds.objects} services converged (every proxy ACKed their current config)`);
          for (const p of c.xds.pending) out(`    not converged: ${p.object}: ${p.message}`);
        }
        for (const p of c.pods) {
          out(`  ${p.namespace}/${p.name}  ${p.ready}  ${p.phase}  restarts ${p.restarts}  ${p.ip}`);
        }
      }
    });
}
