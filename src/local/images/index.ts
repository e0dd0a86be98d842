/**
 * Built-in images of the embedded cluster: upstream image references -> our own compiled implementations.
 * The pod runner starts `node <entry>` with POD_IP, POD_NAME, POD_NAMESPACE, PORT and HTTP_PROXY in the environment.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lookupImage } from './catalog.js';

export { knownRepositories, lookupImage, repositoryOf } from './catalog.js';

/** A resolved image: the compiled entry to run with `node`, or why the image cannot run (ErrImagePull-like). */
export type ImageResolution =
  { ok: true; entry: string; kind: 'app' | 'sleep' | 'meshbridge' } | { ok: false; reason: string };

// This module lives at <root>/src/local/images (under tsx) or <root>/dist/local/images (compiled): the same depth,
// so the repository root is three levels up either way, and pods always run the compiled file under dist/.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Absolute path of the compiled entry module `name` (without extension). */
export function entryPath(name: string): string {
  return join(ROOT, 'dist', 'local', 'images', `${name}.js`);
}

/**
 * Maps an image reference (any tag, with or without `docker.io/`) to the compiled entry that implements it.
 * Returns ok:false with a reason for unknown images and when the build output is missing (never throws), so the
 * caller can put the reason on the pod's status instead of crashing.
 */
export function resolveImage(image: string): ImageResolution {
  const found = lookupImage(image);
  if (!found.ok) return found;
  const entry = entryPath(found.module);
  if (!existsSync(entry)) {
    return { ok: false, reason: `image ${JSON.stringify(image)} needs ${entry}, which is missing: run npm run build` };
  }
  return { ok: true, entry, kind: found.kind };
}
