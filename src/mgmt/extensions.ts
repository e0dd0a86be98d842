/**
 * Route modules every management plane mounts besides its REST API, and how they meet its authentication.
 *
 * The REST routes need a token unless they declare `config.access: 'public'`. An extension that authenticates its
 * routes itself (the web UI, mounted by start.ts with this plane's token check) goes through `publicRoutes`, which
 * marks its undeclared routes public: the UI page must load in a browser without an Authorization header.
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
