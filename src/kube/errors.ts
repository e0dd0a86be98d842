/** Typed errors of the Kubernetes client layer (stable codes; mapped to messages at the edge). */

/** Codes: MB7101 API call failed, MB7102 not found, MB7103 conflict/already exists, MB7104 bad kubeconfig. */
export type KubeErrorCode = 'MB7101' | 'MB7102' | 'MB7103' | 'MB7104';

/** An error from a cluster's API, with the HTTP status and the server's Status `reason` when there were some. */
export class KubeError extends Error {
  readonly code: KubeErrorCode;
  readonly status: number | undefined;
  /** The API's Status reason (`NotFound`, `AlreadyExists`, `Invalid`, ...), as kubectl prints it. */
  readonly reason: string | undefined;
  constructor(code: KubeErrorCode, message: string, status?: number, options?: { cause?: unknown; reason?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubeError';
    this.code = code;
    this.status = status;
    this.reason = options?.reason;
  }
}

/** Wraps whatever client-node threw into a KubeError (404 -> MB7102, 409 -> MB7103, else MB7101). */
export function toKubeError(err: unknown, what: string): KubeError {
  if (err instanceof KubeError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown };
  const status = typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  let detail = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.body === 'string') {
    try {
      const body = JSON.parse(e.body) as { message?: string };
      if (body.message) detail = body.message;
    } catch {
      // not JSON: keep the message
    }
  }
  const code = status === 404 ? 'MB7102' : status === 409 ? 'MB7103' : 'MB7101';
  return new KubeError(code, `${what}: ${detail}`, status, { cause: err });
}
