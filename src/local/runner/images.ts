/**
 * Image resolution for the pod runner: which compiled JavaScript file a container image runs. An injected map
 * (`MESHBRIDGE_IMAGE_MAP`, see config.ts) is consulted first, then the built-in images (`./images/index.js`,
 * `resolveImage(image)`). An image neither knows is an `ErrImagePull`-style failure on the pod, never a crash.
 */
import type { ImageMapEntry } from '../config.js';

/** The outcome of resolving an image. */
export type ImageResolution =
  { ok: true; entry: string; kind: 'app' | 'sleep' | 'meshbridge' } | { ok: false; reason: string };

/** Resolves an image reference. */
export type ImageResolver = (image: string) => ImageResolution;

function withoutTag(image: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

/** A resolver over an explicit map (exact reference, reference without tag, then `*`), falling back to `next`. */
export function mapResolver(map: Record<string, ImageMapEntry>, next: ImageResolver): ImageResolver {
  return (image) => {
    const hit = map[image] ?? map[withoutTag(image)] ?? map['*'];
    return hit ? { ok: true, entry: hit.entry, kind: hit.kind } : next(image);
  };
}

/**
 * Loads the built-in image table when it is present in this build; otherwise every image is unknown. The module
 * is loaded by a computed specifier so builds without it still compile.
 */
export async function builtInResolver(): Promise<ImageResolver> {
  const specifier = './../images/index.js';
  try {
    const mod = (await import(specifier)) as { resolveImage?: ImageResolver };
    if (typeof mod.resolveImage === 'function') return mod.resolveImage;
  } catch {
    // Not built yet: fall through to the resolver that knows no image.
  }
  return (image) => ({ ok: false, reason: `image "${image}" is not a built-in meshbridge image` });
}
