/**
 * The cluster API's side of the object-path rule (src/api/object-paths.ts, code MB0010): no request body, patch
 * or JSON-patch path may name `__proto__`, `constructor` or `prototype`. Refused with 422 Invalid naming the path,
 * before anything is read from or written to the store.
 */
import { CODES, findForbiddenKey, isForbiddenKey } from '../../api/index.js';
import { ApiError } from './status.js';

/** The 422 of a forbidden key at `field` (a field path, or `[i].path` of a JSON patch operation). */
export function forbiddenKeyError(field: string): ApiError {
  const message = `[${CODES.FORBIDDEN_KEY.code}] ${CODES.FORBIDDEN_KEY.title}`;
  return new ApiError('Invalid', `the request is invalid: ${field}: ${message}`, {
    causes: [{ reason: 'FieldValueForbidden', message, field }],
  });
}

/** The segments of an RFC 6901 pointer, unescaped (`~1` is `/`, `~0` is `~`). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Throws forbiddenKeyError for the first forbidden key of a decoded body: any key anywhere in it and, for a JSON
 * patch (a list of operations), any segment of an operation's `path` or `from` pointer.
 */
export function refuseForbiddenKeys(body: unknown, options: { jsonPatch?: boolean } = {}): void {
  const hit = findForbiddenKey(body);
  if (hit !== undefined) throw forbiddenKeyError(hit);
  if (!options.jsonPatch || !Array.isArray(body)) return;
  body.forEach((op: unknown, i) => {
    if (typeof op !== 'object' || op === null) return;
    for (const field of ['path', 'from'] as const) {
      const pointer = (op as Record<string, unknown>)[field];
      if (typeof pointer !== 'string') continue;
      if (pointerSegments(pointer).some((s) => isForbiddenKey(s))) {
        throw forbiddenKeyError(`[${i}].${field} (${JSON.stringify(pointer.slice(0, 200))})`);
      }
    }
  });
}
