/**
 * Route modules every management plane mounts besides its REST API: the web UI (`uiExtension` from `./ui/`,
 * which scrapes the registered clusters' sidecars). `startMgmt` uses this list unless told otherwise.
 */
import type { AppExtension } from './http/app.js';
import { uiExtension } from './ui/extension.js';

/** The default extensions, in mount order. */
export const DEFAULT_EXTENSIONS: readonly AppExtension[] = [uiExtension()];
