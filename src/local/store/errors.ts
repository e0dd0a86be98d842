/**
 * Typed store errors with stable codes. The API server maps them to Kubernetes Status responses at its edge; the
 * store itself knows nothing of HTTP.
 */

/** Stable codes of store failures. */
export type StoreErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired';

/** A failed store operation; nothing was written when one is thrown inside a transaction. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** True when `err` is a StoreError with the given code. */
export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}
