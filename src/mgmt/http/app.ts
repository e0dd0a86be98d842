/**
 * Builds the management plane's fastify application: authentication, the REST routes of contract D, the OpenAPI
 * document and the error mapping. Extensions (the web UI, telemetry) register through `extensions`.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { Logger } from 'pino';
import { MgmtError } from '../errors.js';
import type { MgmtDeps } from '../service/context.js';
import { installAuth } from './auth-hook.js';
import { installStrictJson } from './body-parser.js';
import { DEFAULT_LIMITS } from '../limits/settings.js';
import { swaggerOptions } from './openapi.js';
import { registerFailoverRoutes } from '../failover/routes.js';
import { registerDrillRoutes } from '../failover/drill-routes.js';
import { registerConvergenceRoutes } from '../convergence/routes.js';
import { registerAuditRoutes } from './routes-audit.js';
import { registerConfigRoutes } from './routes-config.js';
import { registerStatusRoutes } from './routes-status.js';
import { registerWatchRoutes } from './routes-watch.js';
import { registerSignInRoutes } from './routes-sign-in.js';
import { SignIn } from '../auth/sign-in.js';

/** Something that adds routes to the app (e.g. `registerUi(app, deps)` from `src/mgmt/ui`). */
export type AppExtension = (app: FastifyInstance, deps: MgmtDeps) => void | Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as `METHOD /url` (HEAD excluded), for the RBAC route-table check. */
    mgmtRoutes: readonly string[];
  }
}

/** Options of `buildApp`. */
export interface AppOptions {
  deps: MgmtDeps;
  logger: Logger;
  extensions?: readonly AppExtension[];
  /** Serve HTTPS with this certificate and key (plain HTTP when omitted; see src/mgmt/tls/transport.ts). */
  https?: { certPem: string; keyPem: string };
}

/** Creates the application (not yet listening). */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const limits = opts.deps.limits ?? DEFAULT_LIMITS;
  const app = Fastify({
    ...(opts.https === undefined ? {} : { https: { cert: opts.https.certPem, key: opts.https.keyPem } }),
    loggerInstance: opts.logger as FastifyBaseLogger,
    // The same 5 MiB as one file of `meshbridge validate`; anything larger is refused before it is read whole.
    bodyLimit: limits.maxBodyBytes,
  });
  installStrictJson(app, limits);
  // Route schemas document the API; the resource model's validator checks requests (its errors carry codes and
  // field paths), and replies are serialized as they are (a response schema must never drop fields).
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler(async (err: FastifyError | MgmtError, req, reply) => {
    const mgmt =
      err instanceof MgmtError
        ? err
        : err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? new MgmtError('MB9010', `request body larger than ${limits.maxBodyBytes} bytes`)
          : typeof err.statusCode === 'number' && err.statusCode < 500
            ? new MgmtError('MB9007', err.message, [], err.statusCode)
            : new MgmtError('MB9009', 'internal error');
    if (req.routeOptions.config?.access === 'mutation' && req.auditOwned !== true) {
      // The request failed before its handler (e.g. unparsable JSON): it still counts as one audited attempt.
      await opts.deps.store.audit({
        at: new Date().toISOString(),
        actor: req.principal?.name ?? 'anonymous',
        action: `${req.method} ${req.routeOptions.url ?? req.url}`,
        target: '(unparsed request)',
        outcome: mgmt.code === 'MB9009' ? 'error' : 'rejected',
        detail: `${mgmt.code}: ${mgmt.message}`,
      });
    }
    if (mgmt.code === 'MB9009') req.log.error({ err }, 'request failed');
    return reply.status(mgmt.status).send(mgmt.toBody());
  });
  app.setNotFoundHandler(async (req, reply) =>
    reply.status(404).send(new MgmtError('MB9008', `no route ${req.method} ${req.url.split('?')[0]}`).toBody()),
  );

  const routes: string[] = [];
  app.decorate('mgmtRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${r.url}`);
  });
  await app.register(swagger, swaggerOptions());
  const signIn = opts.deps.signIn ?? new SignIn(opts.deps.store);
  installAuth(app, opts.deps, signIn);
  registerSignInRoutes(app, opts.deps, signIn);
  registerConfigRoutes(app, opts.deps);
  registerWatchRoutes(app, opts.deps);
  registerStatusRoutes(app, opts.deps);
  registerAuditRoutes(app, opts.deps);
  registerFailoverRoutes(app, opts.deps);
  registerDrillRoutes(app, opts.deps);
  registerConvergenceRoutes(app, opts.deps);
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { summary: 'Liveness and store reachability' } },
    async () => {
      await opts.deps.store.revision();
      return { ok: true, store: opts.deps.store.backend };
    },
  );
  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  for (const extend of opts.extensions ?? []) await extend(app, opts.deps);
  return app;
}
