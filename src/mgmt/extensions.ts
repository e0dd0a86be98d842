/**
 * Route modules every management plane mounts besides its REST API, and how they meet its authentication.
 *
 * The REST routes need a token unless they declare `config.access: 'public'`. An extension that authenticates
 * its own routes (the web UI: its page must load in a browser without an Authorization header, and its data routes
 * check the token themselves) is mounted through `publicRoutes`, which marks its undeclared routes public. Give
 * such an extension the management plane's own token check, e.g.
 * `publicRoutes((app, deps) => registerUi(app, { ...sources, authenticate: (t) => authenticate(deps.store, t) }))`.
 */
import type { FastifyInstance } from 'fastify';
import type { AppExtension } from './http/app.js';
import type { MgmtDeps } from './service/context.js';

/** Wraps an extension so its routes that declare no access level are public (it authenticates them itself). */
export function publicRoutes(extension: AppExtension): AppExtension {
  return async (app: FastifyInstance, deps: MgmtDeps) => {
    await app.register(async (child) => {
      child.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: route.config?.access ?? 'public' };
      });
      await extension(child, deps);
    });
  };
}

/** The default extensions, in mount order; the web UI (`registerUi` from ./ui/register.js) is mounted here. */
export const DEFAULT_EXTENSIONS: readonly AppExtension[] = [];
