/**
 * Key-order-independent JSON. Objects that went through defaulting or patching can hold the same fields in a
 * different order; comparisons ("did the spec change?") and hashes (pod template hash) must not see a difference.
 */

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
