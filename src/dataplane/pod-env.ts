/**
 * Where the data plane's compiled entry points are, for a pod runner that starts them. Their environment (contract
 * C.env) is built by src/xds/pod-env.ts and read back by config.ts.
 */
import { fileURLToPath } from 'node:url';

/** Absolute paths of the compiled entry points (this file sits beside them in `dist/dataplane/`). */
export const DATAPLANE_ENTRIES = {
  sidecar: fileURLToPath(new URL('./sidecar-main.js', import.meta.url)),
  gateway: fileURLToPath(new URL('./gateway-main.js', import.meta.url)),
} as const;
