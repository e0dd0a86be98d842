/**
 * Typed errors of the management plane with stable codes, mapped to HTTP status only at the edge (the fastify error
 * handler). Messages never contain a token or any other secret: they are built from object refs and field paths only.
 */

/** Stable codes; the table in docs/mgmt.md mirrors this one. */
export const MGMT_CODES = {
  MB9001: { status: 401, title: 'unauthenticated: a valid bearer token is required' },
  MB9002: { status: 403, title: 'forbidden: the token role does not allow this' },
  MB9003: { status: 400, title: 'invalid object(s); nothing was changed' },
  MB9004: { status: 409, title: 'parent object missing; nothing was changed' },
  MB9005: { status: 404, title: 'object not found' },
  MB9006: { status: 409, title: 'object still has children; nothing was changed' },
  MB9007: { status: 400, title: 'bad request' },
  MB9008: { status: 404, title: 'route not found' },
  MB9009: { status: 500, title: 'internal error' },
  MB9010: { status: 413, title: 'request body too large' },
  MB9011: { status: 400, title: 'request body is not strict JSON (syntax, duplicate key, nesting too deep)' },
  MB9012: { status: 422, title: 'forbidden object key (__proto__, constructor, prototype) in the request body' },
  MB9013: { status: 403, title: 'organization limit reached (object count or stored size); nothing was changed' },
  MB9014: { status: 403, title: 'a cookie-authenticated write lacks the CSRF header' },
} as const;

export type MgmtCode = keyof typeof MGMT_CODES;

/** One problem with one submitted document (validation issue or hierarchy problem), located by index and path. */
export interface DocumentIssue {
  /** Index of the document in the request's `objects` array. */
  index: number;
  code: string;
  severity: 'error' | 'warning';
  path: string;
  message: string;
  kind?: string;
  name?: string;
}

/** An error with a stable code; `issues` carries per-document details for apply/delete rejections. */
export class MgmtError extends Error {
  readonly code: MgmtCode;
  readonly issues: readonly DocumentIssue[];
  private readonly statusOverride: number | undefined;

  /** `status` overrides the code's HTTP status (e.g. 413 for a body too large, still code MB9007). */
  constructor(code: MgmtCode, message: string, issues: readonly DocumentIssue[] = [], status?: number) {
    super(message);
    this.name = 'MgmtError';
    this.code = code;
    this.issues = issues;
    this.statusOverride = status;
  }

  /** The HTTP status for this error. */
  get status(): number {
    return this.statusOverride ?? MGMT_CODES[this.code].status;
  }

  /** The JSON body returned to clients. */
  toBody(): { code: MgmtCode; message: string; issues?: readonly DocumentIssue[] } {
    return this.issues.length > 0
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}
