/**
 * Route modules every management plane mounts besides its REST API, and how they meet its authentication.
 *
 * The REST routes need a token unless they declare `config.access: 'public'`. The web UI (`uiExtension` from
 * `./ui/`) declares its own: the page and its scripts are public (they must load in a browser without an
 * Authorization header), its data routes are reads behind this plane's token check. An extension that
 * authenticates its routes itself can be mounted through `publicRoutes`, which marks its undeclared routes public.
 */
import type { FastifyInstance } from 'fastify';
import type { AppExtension } from './http/app.js';
import type { MgmtDeps } from './service/context.js';
import { uiExtension } from './ui/extension.js';

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

/** The default extensions, in mount order: the web UI, which scrapes the registered clusters' sidecars. */
export const DEFAULT_EXTENSIONS: readonly AppExtension[] = [uiExtension()];
