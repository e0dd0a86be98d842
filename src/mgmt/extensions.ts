/**
 * Route modules every management plane mounts besides its REST API. The web UI (`registerUi(app, deps)` from
 * `./ui/index.js`) is added to this list when it lands; `startMgmt` uses it unless told otherwise.
 */
import type { AppExtension } from './http/app.js';

/** The default extensions, in mount order. */
export const DEFAULT_EXTENSIONS: readonly AppExtension[] = [];
