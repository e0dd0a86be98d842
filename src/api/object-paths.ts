/**
 * Keys that must never name a property on the way into a stored object. Assigning `obj['__proto__'] = x` changes
 * the object's prototype instead of adding a key, and `constructor.prototype` reaches every object of a class:
 * one such path in a patch or body would pollute the process (every later create or update sees the injected
 * properties). Every boundary that walks a client-chosen path (JSON bodies, JSON patch, merge and strategic merge
 * patch) refuses these keys with a located error before it touches anything.
 */
import { formatPath, type PathSegment } from './path.js';

/** The keys refused at every object boundary. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether one key or path segment is refused. */
export function isForbiddenKey(key: PathSegment): boolean {
  return typeof key === 'string' && FORBIDDEN_KEYS.has(key);
}

/** Deepest nesting walked; deeper values are refused elsewhere (MAX_OBJECT_DEPTH) and not walked here. */
const MAX_WALK_DEPTH = 200;

/**
 * The path (text form, e.g. `metadata["__proto__"].polluted` -> `metadata.__proto__`) of the first forbidden key
 * found anywhere in a parsed JSON/YAML value, or undefined when there is none. `JSON.parse` creates an own
 * property named `__proto__` (it does not set the prototype), so the key is seen here as a plain own key.
 */
export function findForbiddenKey(value: unknown, prefix: readonly PathSegment[] = []): string | undefined {
  const path: PathSegment[] = [...prefix];
  const walk = (v: unknown, depth: number): string | undefined => {
    if (v === null || typeof v !== 'object' || depth > MAX_WALK_DEPTH) return undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        const hit = walk(v[i], depth + 1);
        path.pop();
        if (hit !== undefined) return hit;
      }
      return undefined;
    }
    for (const key of Object.keys(v)) {
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) return formatPath(path);
      const hit = walk((v as Record<string, unknown>)[key], depth + 1);
      path.pop();
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  return walk(value, 0);
}
