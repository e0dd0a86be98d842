/**
 * `meshbridge server --listen HOST:PORT --store URL --home DIR`: runs the management plane in the foreground until
 * SIGINT/SIGTERM. First start writes `<home>/admin-token` (0600); every start writes `<home>/mgmt.json` `{url}`.
 * Also `meshbridge token create --role R --name N`, which writes a new token to a 0600 file.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createTokenFile } from '../../mgmt/admin.js';
import { startMgmt } from '../../mgmt/start.js';

interface ServerOptions {
  listen: string;
  store?: string;
  home?: string;
  ui: boolean;
  kubeconfig?: string;
  prometheus?: string;
}

interface TokenOptions {
  role: string;
  name: string;
  org?: string;
  tenant?: string;
  workspace?: string;
  home?: string;
  store?: string;
  out?: string;
}

const homeOf = (h: string | undefined): string => resolve(h ?? process.env.MESHBRIDGE_HOME ?? '.meshbridge');

/** Registers `server` and `token create`. */
export function registerServer(program: Command): void {
  program
    .command('server')
    .description('run the management plane (REST API, store, auth) in the foreground')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free port)', '127.0.0.1:0')
    .option('--store <url>', 'sqlite:PATH or postgres://... (default sqlite:<home>/mgmt.db)')
    .option('--home <dir>', 'state directory (default $MESHBRIDGE_HOME or ./.meshbridge)')
    .option('--kubeconfig <file>', 'clusters the web UI shows (default <home>/kubeconfig when it exists)')
    .option('--prometheus <url>', 'read live traffic for the web UI from this Prometheus instead of the sidecars')
    .option('--no-ui', 'do not serve the web UI')
    .action(async (opts: ServerOptions) => {
      const home = homeOf(opts.home);
      const ui =
        opts.ui === false
          ? false
          : opts.kubeconfig !== undefined || opts.prometheus !== undefined
            ? {
                ...(opts.kubeconfig === undefined ? {} : { kubeconfigPath: resolve(opts.kubeconfig) }),
                ...(opts.prometheus === undefined ? {} : { prometheusUrl: opts.prometheus }),
              }
            : undefined;
      const running = await startMgmt({
        listen: opts.listen,
        home,
        ...(opts.store ? { store: opts.store } : {}),
        ...(ui === undefined ? {} : { ui }),
      });
      process.stderr.write(`management plane listening on ${running.url} (store ${running.storeUrl}, home ${home})\n`);
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void running.close().finally(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  program
    .command('token')
    .description('manage management-plane tokens (run where the store is)')
    .command('create')
    .description('issue a token; it is written to a 0600 file, never printed')
    .requiredOption('--role <role>', 'org-admin | tenant-admin | workspace-writer | reader')
    .requiredOption('--name <name>', 'token name (recorded as "who" in the audit log)')
    .option('--org <organization>', 'scope: organization')
    .option('--tenant <tenant>', 'scope: tenant')
    .option('--workspace <workspace>', 'scope: workspace')
    .option('--home <dir>', 'state directory (default $MESHBRIDGE_HOME or ./.meshbridge)')
    .option('--store <url>', 'store URL (default sqlite:<home>/mgmt.db)')
    .option('--out <file>', 'token file (default <home>/tokens/<name>)')
    .action(async (opts: TokenOptions) => {
      const file = await createTokenFile({
        home: homeOf(opts.home),
        name: opts.name,
        role: opts.role,
        scope: { organization: opts.org, tenant: opts.tenant, workspace: opts.workspace },
        ...(opts.store === undefined ? {} : { store: opts.store }),
        ...(opts.out === undefined ? {} : { out: opts.out }),
      });
      process.stdout.write(`token ${opts.name} (${opts.role}) written to ${file}\n`);
    });
}
