/**
 * `meshbridge controller --kubeconfig PATH --mgmt URL --token-file F`: runs the federation controller (production)
 * until SIGINT/SIGTERM. Generated objects stay in the clusters when it stops. With `--dry-run` it reads the
 * configuration and every cluster once, prints per cluster what it would create, update and delete, writes nothing
 * and exits.
 */
import type { Command } from 'commander';
import { dryRun, formatDryRun, kubeconfigConnector, loadConfig } from '../../federation/index.js';
import { parseListen } from '../../mgmt/start.js';
import { runController } from './controller-run.js';
import { federationDefaults, mgmtFetchFor, readToken } from './federation-env.js';

interface ControllerOptions {
  kubeconfig?: string;
  mgmt?: string;
  tokenFile?: string;
  caFile?: string;
  debounce: string;
  dryRun?: boolean;
  healthListen?: string;
  leaderElect?: boolean;
  leaderElectKubeconfig?: string;
  leaderElectNamespace?: string;
  leaderElectName: string;
  output: string;
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description('run the federation controller: management-plane config + clusters -> generated Istio objects')
    .option('--kubeconfig <path>', 'kubeconfig for clusters without spec.kubeconfig (context = cluster name)')
    .option('--mgmt <url>', 'management plane URL (default: $MESHBRIDGE_HOME/mgmt.json)')
    .option('--token-file <file>', 'bearer token file (default: $MESHBRIDGE_HOME/admin-token)')
    .option(
      '--ca-file <file>',
      "CA bundle that verifies the management plane (or $MESHBRIDGE_CA_FILE; default: mgmt.json's)",
    )
    .option('--debounce <ms>', 'quiet time before re-planning after a change', '100')
    .option('--health-listen <host:port>', 'serve /healthz, /readyz and /metrics (unauthenticated, read-only) here')
    .option('--leader-elect', 'run only while holding a Lease in the management cluster (for several replicas)')
    .option('--leader-elect-kubeconfig <path>', "the Lease's cluster (default: the pod's service account)")
    .option('--leader-elect-namespace <ns>', "the Lease's namespace (default: the pod's)")
    .option('--leader-elect-name <name>', "the Lease's name", 'meshbridge-controller')
    .option('--dry-run', 'print, per cluster, what it would create, update and delete; write nothing, then exit')
    .option('-o, --output <format>', 'with --dry-run: text or json', 'text')
    .action(async (opts: ControllerOptions) => {
      const defaults = federationDefaults();
      const url = opts.mgmt ?? defaults.mgmtUrl;
      const token = opts.tokenFile ? readToken(opts.tokenFile) : defaults.token;
      if (!url || !token)
        throw new Error('controller needs --mgmt and --token-file (or $MESHBRIDGE_HOME from `local up`)');
      const debounceMs = Number(opts.debounce);
      if (!Number.isFinite(debounceMs) || debounceMs < 0)
        throw new Error(`--debounce must be a number of ms, got ${opts.debounce}`);
      const fetch = mgmtFetchFor({ url, ...(opts.caFile ? { caFile: opts.caFile } : {}) });
      if (opts.dryRun) {
        if (opts.output !== 'text' && opts.output !== 'json')
          throw new Error(`-o must be text or json, got ${opts.output}`);
        const config = await loadConfig({ type: 'mgmt', url, token, fetch });
        const report = await dryRun({ config, connect: kubeconfigConnector(opts.kubeconfig ?? defaults.kubeconfig) });
        process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDryRun(report));
        return;
      }
      const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const kubeconfig = opts.kubeconfig ?? defaults.kubeconfig;
      const health = opts.healthListen === undefined ? undefined : parseListen(opts.healthListen, '--health-listen');
      await runController({
        federation: { url, token, fetch, kubeconfig, debounceMs, log },
        ...(health ? { health } : {}),
        ...(opts.leaderElect
          ? {
              election: {
                name: opts.leaderElectName,
                ...(opts.leaderElectKubeconfig ? { kubeconfig: opts.leaderElectKubeconfig } : {}),
                ...(opts.leaderElectNamespace ? { namespace: opts.leaderElectNamespace } : {}),
              },
            }
          : {}),
      });
    });
}
