/**
 * `meshbridge explain failover SERVICE.NAMESPACE --from CLUSTER [--client POD]`: the priority table a client in
 * CLUSTER (or that pod of it) gets for the service, the clusters that are not failover targets and why, and the
 * same-region caveat.
 */
import type { Command } from 'commander';
import {
  kubeconfigConnector,
  clientOf,
  explainFailover,
  formatExplain,
  evaluate,
  loadConfig,
  type ConfigOrigin,
} from '../../federation/index.js';
import { federationDefaults, mgmtFetchFor, readToken } from './federation-env.js';

interface ExplainOptions {
  from: string;
  client?: string;
  mgmt?: string;
  server?: string;
  tokenFile?: string;
  caFile?: string;
  config?: string[];
  kubeconfig?: string;
  output?: string;
}

export function registerExplain(program: Command): void {
  const explain = program.command('explain').description('explain what the federation does and why');
  explain
    .command('failover')
    .description('priorities, failover targets and the reasons other clusters are not targets, for one service')
    .argument('<service.namespace>', 'the service, e.g. details.bookinfo')
    .requiredOption('--from <cluster>', 'the client cluster')
    .option(
      '--client <pod>',
      "rank for this pod of the client cluster ([namespace/]name): its namespace, labels (failoverPriority) and locality; default: the cluster's locality",
    )
    .option('--mgmt <url>', 'management plane URL (default: $MESHBRIDGE_HOME/mgmt.json)')
    .option('--server <url>', 'same as --mgmt (the name the other management-plane commands use)')
    .option('--token-file <file>', 'bearer token file (default: $MESHBRIDGE_HOME/admin-token)')
    .option('--ca-file <file>', "CA bundle that verifies the management plane (default: mgmt.json's)")
    .option('--config <file...>', 'read TSB configuration from YAML files instead of the management plane')
    .option(
      '--kubeconfig <path>',
      'kubeconfig for clusters without spec.kubeconfig (default: $MESHBRIDGE_HOME/kubeconfig)',
    )
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (target: string, opts: ExplainOptions) => {
      const dot = target.indexOf('.');
      if (dot <= 0 || dot === target.length - 1) throw new Error(`expected SERVICE.NAMESPACE, got ${target}`);
      const [service, namespace] = [target.slice(0, dot), target.slice(dot + 1)];
      const defaults = federationDefaults();
      let origin: ConfigOrigin;
      if (opts.config?.length) origin = { type: 'files', files: opts.config };
      else {
        const url = opts.mgmt ?? opts.server ?? defaults.mgmtUrl;
        const token = opts.tokenFile ? readToken(opts.tokenFile) : defaults.token;
        if (!url || !token)
          throw new Error('no management plane: pass --mgmt and --token-file, or run `meshbridge local up`');
        origin = {
          type: 'mgmt',
          url,
          token,
          fetch: mgmtFetchFor({ url, ...(opts.caFile ? { caFile: opts.caFile } : {}) }),
        };
      }
      const config = await loadConfig(origin);
      if (!config.clusters.some((c) => c.metadata.name === opts.from)) {
        throw new Error(
          `cluster ${opts.from} is not registered (known: ${config.clusters.map((c) => c.metadata.name).join(', ') || 'none'})`,
        );
      }
      const ev = await evaluate({ config, connect: kubeconfigConnector(opts.kubeconfig ?? defaults.kubeconfig) });
      const client = opts.client
        ? clientOf(
            ev.inventories.find((i) => i.cluster === opts.from),
            opts.client,
          )
        : undefined;
      const report = explainFailover({
        service,
        namespace,
        from: opts.from,
        config,
        inventories: ev.inventories,
        plan: ev.plan,
        ...(client ? { client } : {}),
      });
      for (const u of ev.unreachable) report.warnings.push(`cluster ${u.cluster} could not be read: ${u.message}`);
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatExplain(report));
    });
}
