/**
 * Status reporting (contract D `PUT /v2/status`): per WorkspaceSetting, per cluster, READY / PARTIAL / FAILED with
 * a message. `StatusSink` is the seam; `HttpStatusSink` talks to the management plane, `MemoryStatusSink` records.
 */

/** State of one resource in one cluster. */
export type ClusterState = 'READY' | 'PARTIAL' | 'FAILED';

/** One status report (the body of `PUT /v2/status`). */
export interface StatusReport {
  kind: string;
  fqn: string;
  /** The configuration snapshot revision the report was computed from (lets the server ignore stale reports). */
  revision?: number;
  clusters: Record<string, { state: ClusterState; message: string }>;
}

/** Receives status reports; must not throw (errors are the sink's to log). */
export interface StatusSink {
  report(report: StatusReport): Promise<void>;
}

/** Records reports (tests, embedding). Keeps the latest per resource. */
export class MemoryStatusSink implements StatusSink {
  readonly latest = new Map<string, StatusReport>();
  async report(report: StatusReport): Promise<void> {
    this.latest.set(`${report.kind}/${report.fqn}`, report);
  }
}

/** PUTs reports to the management plane; only sends a report that differs from the last one sent. */
export class HttpStatusSink implements StatusSink {
  private readonly sent = new Map<string, string>();
  constructor(
    private readonly options: {
      url: string;
      token: string;
      onError?: (err: Error) => void;
      /** Default: the global fetch. */
      fetch?: typeof fetch;
    },
  ) {}
  async report(report: StatusReport): Promise<void> {
    const key = `${report.kind}/${report.fqn}`;
    const body = JSON.stringify(report);
    if (this.sent.get(key) === body) return;
    try {
      const res = await (this.options.fetch ?? fetch)(new URL('/v2/status', this.options.url), {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body,
      });
      if (!res.ok) throw new Error(`PUT /v2/status: HTTP ${res.status}`);
      this.sent.set(key, body);
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }
}
