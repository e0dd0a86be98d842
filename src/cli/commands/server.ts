/**
 * `meshbridge server --listen HOST:PORT --tls-cert F --tls-key F --store URL --home DIR`: runs the management plane
 * in the foreground until SIGINT/SIGTERM, over HTTPS (plain HTTP only with `--plain-http` on a loopback address).
 * First start writes `<home>/admin-token` (0600); every start writes `<home>/mgmt.json` `{url}`.
 * Also `meshbridge token create --role R --name N`, which writes a new token to a 0600 file.
 */
import { createClusterClient, inClusterKubeConfig, loadKubeConfig, type ClusterClient } from '../../kube/client.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createTokenFile } from '../../mgmt/admin.js';
import { parseLimitText } from '../../mgmt/limits/settings.js';
import type { MgmtLimits } from '../../mgmt/limits/settings.js';
import { startMgmt } from '../../mgmt/start.js';
import type { ServerTls } from '../../mgmt/tls/transport.js';
import { meshbridgeHome } from '../../local/config.js';

interface ServerOptions {
  listen: string;
  store?: string;
  home?: string;
  ui: boolean;
  kubeconfig?: string;
  prometheus?: string;
  tlsCert?: string;
  tlsKey?: string;
  plainHttp?: boolean;
  orgMaxObjects?: string;
  orgMaxBytes?: string;
  gitops?: string;
  gitopsKubeconfig?: string;
  gitopsContext?: string;
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

const homeOf = (h: string | undefined): string => (h === undefined ? meshbridgeHome() : resolve(h));

/** Reads a PEM file named by a flag; the error names the flag and the file. */
function readPem(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The certificate and key from flags or MESHBRIDGE_TLS_CERT/MESHBRIDGE_TLS_KEY; both or neither. */
function tlsOf(opts: ServerOptions): ServerTls | undefined {
  const cert = opts.tlsCert ?? process.env.MESHBRIDGE_TLS_CERT;
  const key = opts.tlsKey ?? process.env.MESHBRIDGE_TLS_KEY;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) throw new Error('--tls-cert and --tls-key go together');
  return { certPem: readPem('--tls-cert', cert), keyPem: readPem('--tls-key', key) };
}

/**
 * The store URL from `--store` or MESHBRIDGE_STORE (how a pod gets a PostgreSQL URL from a Secret without it showing
 * in its command line); neither means the default SQLite file in the home.
 */
function storeOf(flag: string | undefined): { store?: string } {
  const url = flag ?? process.env.MESHBRIDGE_STORE;
  return url ? { store: url } : {};
}

/** Per-organization limits from flags or MESHBRIDGE_ORG_MAX_OBJECTS/MESHBRIDGE_ORG_MAX_BYTES. */
function limitsOf(opts: ServerOptions): Partial<MgmtLimits> {
  const objects = opts.orgMaxObjects ?? process.env.MESHBRIDGE_ORG_MAX_OBJECTS;
  const bytes = opts.orgMaxBytes ?? process.env.MESHBRIDGE_ORG_MAX_BYTES;
  return {
    ...(objects === undefined ? {} : { maxObjectsPerOrganization: parseLimitText('--org-max-objects', objects) }),
    ...(bytes === undefined ? {} : { maxBytesPerOrganization: parseLimitText('--org-max-bytes', bytes) }),
  };
}

/** The management cluster's client for `--gitops`: a kubeconfig, or the pod's own service account. */
function gitopsOf(opts: ServerOptions, namespace: string): { client: ClusterClient; namespace: string } {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    throw new Error(`--gitops ${namespace} must be a namespace name (a DNS label)`);
  }
  const kubeConfig =
    opts.gitopsKubeconfig === undefined
      ? inClusterKubeConfig().kubeConfig
      : loadKubeConfig({
          path: resolve(opts.gitopsKubeconfig),
          ...(opts.gitopsContext === undefined ? {} : { context: opts.gitopsContext }),
        });
  return { client: createClusterClient({ name: 'management cluster', kubeConfig }), namespace };
}

/** Registers `server` and `token create`. */
export function registerServer(program: Command): void {
  program
    .command('server')
    .description('run the management plane (REST API, store, auth) in the foreground')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free port)', '127.0.0.1:0')
    .option('--store <url>', 'sqlite:PATH or postgres://... (or $MESHBRIDGE_STORE; default sqlite:<home>/mgmt.db)')
    .option('--home <dir>', 'state directory (default $MESHBRIDGE_HOME or ./.meshbridge)')
    .option('--kubeconfig <file>', 'clusters the web UI shows (default <home>/kubeconfig when it exists)')
    .option('--prometheus <url>', 'read live traffic for the web UI from this Prometheus instead of the sidecars')
    .option('--no-ui', 'do not serve the web UI')
    .option('--tls-cert <file>', 'PEM certificate chain to serve HTTPS with (or $MESHBRIDGE_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (or $MESHBRIDGE_TLS_KEY)')
    .option('--plain-http', 'serve plain HTTP instead of HTTPS (refused unless --listen is a loopback address)')
    .option('--org-max-objects <n>', 'most objects per organization (or $MESHBRIDGE_ORG_MAX_OBJECTS; default 5000)')
    .option('--org-max-bytes <n>', 'most stored bytes per organization, e.g. 32Mi (or $MESHBRIDGE_ORG_MAX_BYTES)')
    .option(
      '--gitops <namespace>',
      'keep the objects in sync with custom resources in the management cluster; CRs of objects made through the API go to this namespace',
    )
    .option('--gitops-kubeconfig <file>', "the management cluster for --gitops (default: the pod's own cluster)")
    .option('--gitops-context <name>', 'the context of --gitops-kubeconfig (default: its current context)')
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
      const tls = tlsOf(opts);
      const running = await startMgmt({
        listen: opts.listen,
        home,
        ...(tls === undefined ? {} : { tls }),
        plainHttp: opts.plainHttp === true,
        limits: limitsOf(opts),
        ...storeOf(opts.store),
        ...(ui === undefined ? {} : { ui }),
        ...(opts.gitops === undefined ? {} : { gitops: gitopsOf(opts, opts.gitops) }),
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
    .option('--store <url>', 'store URL (or $MESHBRIDGE_STORE; default sqlite:<home>/mgmt.db)')
    .option('--out <file>', 'token file (default <home>/tokens/<name>)')
    .action(async (opts: TokenOptions) => {
      const file = await createTokenFile({
        home: homeOf(opts.home),
        name: opts.name,
        role: opts.role,
        scope: { organization: opts.org, tenant: opts.tenant, workspace: opts.workspace },
        ...storeOf(opts.store),
        ...(opts.out === undefined ? {} : { out: opts.out }),
      });
      process.stdout.write(`token ${opts.name} (${opts.role}) written to ${file}\n`);
    });
}
