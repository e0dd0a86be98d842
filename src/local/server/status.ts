/**
 * Kubernetes `Status` errors of the embedded API server. Handlers throw `ApiError`; the server turns it into the
 * Status body kubectl and client-node understand (`reason`, `code`, `details.causes`).
 */
import type { KindInfo } from '../../api/index.js';

/** A field-level cause of an Invalid (422) error. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** Machine-readable reasons, as Kubernetes names them. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'MethodNotAllowed'
  | 'Expired'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  MethodNotAllowed: 405,
  Expired: 410,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalError: 500,
};

/** Details identifying the object an error is about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

/** An error the API server answers with a Kubernetes Status. */
export class ApiError extends Error {
  readonly code: number;
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = CODES[reason];
  }

  /** The Status object for the response body. */
  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `deployments.apps "x" not found`, the way the apiserver words it. */
export function notFound(kind: KindInfo, name: string): ApiError {
  const resource = kind.group ? `${kind.plural}.${kind.group}` : kind.plural;
  return new ApiError('NotFound', `${resource} "${name}" not found`, {
    name,
    group: kind.group,
    kind: kind.plural,
  });
}

/** A Success Status (used for deletecollection and namespace deletion answers). */
export function successStatus(details?: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}
