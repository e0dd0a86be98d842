/**
 * Typed errors of the identity module. Codes are stable (MBI0xx) so callers and logs can match on them.
 */
export type IdentityErrorCode =
  | 'MB0601' // root CA material missing or unreadable
  | 'MB0602' // invalid SPIFFE identity input (trust domain, namespace, service account)
  | 'MB0603'; // certificate files missing or unreadable

/** An identity failure with a stable code. */
export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.name = 'IdentityError';
    this.code = code;
  }
}
