/**
 * Typed errors of the management plane with stable codes, mapped to HTTP status only at the edge (the fastify error
 * handler). Messages never contain a token or any other secret: they are built from object refs and field paths only.
 */

import { CODE_LIST } from '../api/codes.js';
import type { Code, CodeInfo } from '../api/codes.js';

/** The codes a management-plane reply may carry: the catalogue's MB90xx entries, each with its HTTP status. */
type MgmtEntry = CodeInfo & { readonly status: number };
export type MgmtCode = Extract<Code, `MB90${string}`>;

/** The catalogue's MB90xx entries by code (src/api/codes.ts is the one source; docs/errors.md documents them). */
export const MGMT_CODES = Object.freeze(
  Object.fromEntries(
    CODE_LIST.filter((c) => c.code.startsWith('MB90') && c.status !== undefined).map((c) => [c.code, c]),
  ),
) as Readonly<Record<MgmtCode, MgmtEntry>>;

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
