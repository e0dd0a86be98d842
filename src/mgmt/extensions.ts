/**
 * Route modules every management plane mounts besides its REST API, and how they meet its authentication.
 *
 * The REST routes need a token unless they declare `config.access: 'public'`. The web UI's routes declare their
 * own: the page and its scripts are public (they must load in a browser without an Authorization header), its
 * data routes are reads behind this plane's token check. An extension that authenticates its routes itself can
 * be mounted through `publicRoutes`, which marks its undeclared routes public.
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

/**
 * The default extensions, in mount order. The web UI is not listed: `startMgmt` mounts it from its `ui` option
 * (the home's kubeconfig by default). `uiExtension()` is the alternative that reads clusters from the registered
 * Cluster objects; list it here only together with `ui: false`, since a route may be registered once.
 */
export const DEFAULT_EXTENSIONS: readonly AppExtension[] = [];
