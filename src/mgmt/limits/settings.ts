/**
 * The management plane's input and storage limits. One request body holds at most what `meshbridge validate`
 * accepts from one file (5 MiB), nests no deeper than it (100 levels), and each organization holds a bounded number
 * of objects and bytes, so no token holder can grow the store (and the memory of every process that reads it)
 * without limit. Validated once and frozen.
 */
import { PARSE_LIMITS } from '../../api/index.js';

/** Limits of one management plane. */
export interface MgmtLimits {
  /** Largest request body in bytes (default 5 MiB, `meshbridge validate`'s file limit). */
  readonly maxBodyBytes: number;
  /** Deepest nesting of objects and arrays in a body (default 100, as `validate`). */
  readonly maxBodyDepth: number;
  /** Most objects one organization may hold, the Organization itself included (default 5,000). */
  readonly maxObjectsPerOrganization: number;
  /** Most bytes of stored JSON one organization may hold (default 32 MiB). */
  readonly maxBytesPerOrganization: number;
}

/** The defaults: room for any real mesh, far below what hurts a process. */
export const DEFAULT_LIMITS: MgmtLimits = Object.freeze({
  maxBodyBytes: PARSE_LIMITS.maxBytes,
  maxBodyDepth: PARSE_LIMITS.maxDepth,
  maxObjectsPerOrganization: 5_000,
  maxBytesPerOrganization: 32 * 1024 * 1024,
});

/** Thrown for a limit that is not a positive integer; names the setting. */
export class LimitSettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LimitSettingError';
  }
}

/** Merges `overrides` into the defaults; throws LimitSettingError naming a setting that is not a positive integer. */
export function resolveLimits(overrides: Partial<MgmtLimits> = {}): MgmtLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new LimitSettingError(`limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return Object.freeze(limits);
}

/**
 * Reads a limit given as text (a flag or an environment variable): a positive integer, optionally with a `Ki`,
 * `Mi` or `Gi` suffix. Throws LimitSettingError naming `what`.
 */
export function parseLimitText(what: string, text: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(text.trim());
  const factor = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m?.[2] as 'Ki'] ?? 1;
  const value = m === null ? Number.NaN : Number(m[1]) * factor;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new LimitSettingError(
      `${what} must be a positive integer (optionally with Ki, Mi or Gi), got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
