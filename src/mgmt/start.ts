/**
 * Starts the management plane: opens the store, makes sure `<home>/admin-token` exists, builds the app, listens
 * (HTTPS, or plain HTTP on loopback when asked) and writes `<home>/mgmt.json` `{url, ca?}` so the CLI finds it and
 * knows which CA to trust. Used by `meshbridge server` and `local up`.
 */
import type { ClusterClient } from '../kube/client.js';
import { GitOpsSyncer } from './gitops/syncer.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { authenticate, ensureAdminToken } from './auth/tokens.js';
import { buildApp } from './http/app.js';
import type { AppExtension } from './http/app.js';
import { publicRoutes } from './extensions.js';
import { FailoverEventPuller } from './failover/puller.js';
import { createLogger } from './logger.js';
import { RevisionNotifier } from './service/notifier.js';
import type { MgmtDeps } from './service/context.js';
import { openStore, redactStoreUrl } from './store/open.js';
import { federationFailover } from './ui/failover-source.js';
import { registerUi } from './ui/register.js';
import { createUiSources } from './ui/sources.js';
import type { UiSources, UiSourcesOptions } from './ui/sources.js';
import { resolveLimits } from './limits/settings.js';
import { SignIn, type SignInOptions } from './auth/sign-in.js';
import type { MgmtLimits } from './limits/settings.js';
import { resolveTransport } from './tls/transport.js';
import type { ServerTls } from './tls/transport.js';

/** Options of `startMgmt`. */
export interface StartOptions {
  /** `HOST:PORT`; port 0 picks a free one. */
  listen: string;
  /** Directory for the admin token, mgmt.json and (by default) the SQLite file. */
  home: string;
  /** `sqlite:PATH` or `postgres://...`; default `sqlite:<home>/mgmt.db`. */
  store?: string;
  logger?: Logger;
  /** Route modules to mount; when given they replace the default web UI (see `ui`). */
  extensions?: readonly AppExtension[];
  /**
   * The web UI under /ui/ and where its live data comes from: `false` serves no UI; by default the clusters of
   * `<home>/kubeconfig` when that file exists (local clusters), scraped directly.
   */
  ui?: UiSourcesOptions | false;
  /** Serve HTTPS with this certificate chain and key. Required unless `plainHttp`. */
  tls?: ServerTls;
  /** Serve plain HTTP instead of HTTPS: refused (TransportError) unless the listen host is loopback. */
  plainHttp?: boolean;
  /** A CA file that verifies `tls`'s certificate, recorded in mgmt.json for clients on this machine. */
  caFile?: string;
  /** Body and per-organization limits (defaults: DEFAULT_LIMITS). */
  limits?: Partial<MgmtLimits>;
  /** Settings of the sign-in codes and sessions, kept in the store (defaults; tests pass short expiries). */
  signIn?: SignInOptions;
  /**
   * Keep the objects in sync with custom resources in a management cluster (GitOps, docs/production.md): the
   * cluster's client and the namespace where CRs of objects made through the API are written.
   */
  gitops?: { client: ClusterClient; namespace: string; intervalMs?: number };
}

/** The UI's default data sources for a home: its kubeconfig's clusters when `local up` has written one. */
function defaultUiOptions(home: string): UiSourcesOptions {
  const kubeconfig = join(home, 'kubeconfig');
  return existsSync(kubeconfig) ? { kubeconfigPath: kubeconfig } : {};
}

/**
 * Mounts the UI with the management plane's own token check (its page loads without a token). The failover view
 * reads this plane's own store for the configuration and the clusters through their kubeconfigs (`kubeconfigPath`
 * for those without spec.kubeconfig).
 */
function uiExtension(sources: UiSources, kubeconfigPath: string | undefined): AppExtension {
  return publicRoutes((app, deps) =>
    registerUi(app, {
      topology: sources.topology,
      ...(sources.inventory === undefined ? {} : { inventory: sources.inventory }),
      failover: federationFailover({
        objects: async () => (await deps.store.snapshot()).objects.map((o) => o.object),
        ...(kubeconfigPath === undefined ? {} : { kubeconfigPath }),
      }),
      authenticate: (token) => authenticate(deps.store, token),
      canEdit: (role) => role !== 'reader',
    }),
  );
}

/** A running management plane. */
export interface RunningMgmt {
  url: string;
  /** The store URL with any password masked, for messages. */
  storeUrl: string;
  app: FastifyInstance;
  deps: MgmtDeps;
  close(): Promise<void>;
}

/** Splits `HOST:PORT` (IPv6 as `[::1]:PORT`); the error names `flag`. */
export function parseListen(listen: string, flag = '--listen'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(listen);
  const port = Number(m?.[3]);
  if (m === null || !Number.isInteger(port) || port > 65535) {
    throw new Error(`${flag} must be HOST:PORT, got ${JSON.stringify(listen)}`);
  }
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

/** Starts the management plane and resolves once it listens. */
export async function startMgmt(opts: StartOptions): Promise<RunningMgmt> {
  const { host, port } = parseListen(opts.listen);
  const transport = resolveTransport({ host, ...(opts.tls ? { tls: opts.tls } : {}), plainHttp: opts.plainHttp });
  const limits = resolveLimits(opts.limits);
  mkdirSync(opts.home, { recursive: true, mode: 0o700 });
  const storeUrl = opts.store ?? `sqlite:${join(opts.home, 'mgmt.db')}`;
  const store = await openStore(storeUrl);
  const uiOptions =
    opts.ui === false || opts.extensions !== undefined ? undefined : (opts.ui ?? defaultUiOptions(opts.home));
  const ui = uiOptions === undefined ? undefined : createUiSources(uiOptions);
  let puller: FailoverEventPuller | undefined;
  let gitops: GitOpsSyncer | undefined;
  try {
    const adminTokenFile = join(opts.home, 'admin-token');
    const adminTokenWritten = await ensureAdminToken(store, adminTokenFile);
    const deps: MgmtDeps = {
      store,
      notifier: new RevisionNotifier(await store.revision()),
      limits,
      signIn: new SignIn(store, opts.signIn),
    };
    const extensions = opts.extensions ?? (ui === undefined ? [] : [uiExtension(ui, uiOptions?.kubeconfigPath)]);
    const app = await buildApp({
      deps,
      logger: opts.logger ?? createLogger(),
      extensions,
      ...(transport.scheme === 'https' ? { https: transport.tls } : {}),
    });
    if (!adminTokenWritten) {
      app.log.info(
        { file: adminTokenFile },
        'the store already holds the admin token (another replica issued it): kept, and not written to this home',
      );
    }
    await app.listen({ host, port });
    ui?.start();
    if (ui?.eventTargets) {
      const log = app.log;
      puller = new FailoverEventPuller({
        targets: ui.eventTargets,
        store,
        onError: (target, err) => log.debug({ target, err: err.message }, 'failover events not pulled'),
      });
      puller.start();
    }
    if (opts.gitops) {
      const log = app.log;
      gitops = new GitOpsSyncer({
        deps,
        client: opts.gitops.client,
        namespace: opts.gitops.namespace,
        ...(opts.gitops.intervalMs === undefined ? {} : { intervalMs: opts.gitops.intervalMs }),
        log: (line) => log.info(line),
      });
      gitops.start();
    }
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const url = `${transport.scheme}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
    const record = opts.caFile === undefined ? { url } : { url, ca: opts.caFile };
    writeFileSync(join(opts.home, 'mgmt.json'), `${JSON.stringify(record, null, 2)}\n`);
    return {
      url,
      storeUrl: redactStoreUrl(storeUrl),
      app,
      deps,
      async close() {
        await gitops?.stop();
        await puller?.stop();
        await ui?.stop();
        await app.close();
        await store.close();
      },
    };
  } catch (err) {
    await gitops?.stop();
    await puller?.stop();
    await ui?.stop();
    await store.close();
    throw err;
  }
}
