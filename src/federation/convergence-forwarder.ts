/**
 * Forwards each registered cluster's per-object xDS convergence to the management plane, so `meshbridge status`
 * shows, per Service, the revision that put its change in xDS and how many proxies ACKed it: the last step of
 * "written -> in xDS -> ACKed". Every `intervalMs` (2 s) it GETs the list from each synced cluster's API
 * (src/api/convergence.ts; local clusters serve it) and PUTs it when it changed. A cluster that does not serve it
 * (Istio) is reported once as unavailable; one that cannot be read keeps its last report.
 */
import {
  CONVERGENCE_PATH,
  MAX_CONVERGENCE_OBJECTS,
  type ConvergenceList,
  type ConvergenceReport,
} from '../api/convergence.js';
import type { ClusterClient } from '../kube/client.js';
import type { FederationConfig } from './types.js';

/** Where reports go. */
export interface ConvergenceSink {
  /** Resolves true once stored; must not throw. */
  report(cluster: string, report: ConvergenceReport): Promise<boolean>;
}

/** Options of the forwarder. */
export interface ConvergenceForwarderOptions {
  readonly config: () => FederationConfig | undefined;
  /** The client of a synced cluster, or undefined. */
  readonly client: (cluster: string) => ClusterClient | undefined;
  readonly sink: ConvergenceSink;
  readonly intervalMs?: number;
  readonly log?: (line: string) => void;
}

/** Why a cluster has no list: it runs Istio (or another control plane) rather than meshbridge's. */
export const UNAVAILABLE =
  "the cluster's API serves no xDS convergence (Istio reports its proxies' sync with istioctl proxy-status)";

/**
 * The report of one cluster from its list: the pending objects first, then the rest, at most
 * MAX_CONVERGENCE_OBJECTS (the count left out is said). Pure.
 */
export function reportOf(organization: string, list: ConvergenceList): ConvergenceReport {
  const pending = list.items.filter((o) => o.conditions[0].status !== 'True');
  const converged = list.items.filter((o) => o.conditions[0].status === 'True');
  const items = [...pending, ...converged].slice(0, MAX_CONVERGENCE_OBJECTS);
  const omitted = list.items.length - items.length;
  return { organization, items, ...(omitted > 0 ? { omitted } : {}) };
}

/** Reads and forwards the clusters' convergence. */
export class ConvergenceForwarder {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** The body last stored per cluster (nothing is sent again while it holds). */
  private readonly sent = new Map<string, string>();

  constructor(private readonly o: ConvergenceForwarderOptions) {}

  start(): void {
    const loop = (): void => {
      this.running = this.pass()
        .catch((err: unknown) => this.o.log?.(`convergence: ${(err as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.o.intervalMs ?? 2000);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the registered clusters. */
  async pass(): Promise<void> {
    const clusters = this.o.config()?.clusters ?? [];
    await Promise.all(
      clusters.map(async (c) => {
        const name = c.metadata.name;
        const organization = c.metadata.organization;
        const client = this.o.client(name);
        if (!client?.getPath || organization === undefined) return;
        let report: ConvergenceReport;
        try {
          const res = await client.getPath(CONVERGENCE_PATH, 5000);
          if (res.status === 404) report = { organization, unavailable: UNAVAILABLE };
          else if (res.status === 200) report = reportOf(organization, JSON.parse(res.text) as ConvergenceList);
          else return;
        } catch {
          return; // unreachable for now: its last report stands, and the cluster's status says why
        }
        const body = JSON.stringify(report);
        if (this.sent.get(name) === body) return;
        if (await this.o.sink.report(name, report)) this.sent.set(name, body);
      }),
    );
  }
}

/** PUTs reports to the management plane. */
export class HttpConvergenceSink implements ConvergenceSink {
  constructor(
    private readonly o: { url: string; token: string; onError?: (err: Error) => void; fetch?: typeof fetch },
  ) {}

  async report(cluster: string, report: ConvergenceReport): Promise<boolean> {
    try {
      const res = await (this.o.fetch ?? fetch)(new URL(`/v2/convergence/${encodeURIComponent(cluster)}`, this.o.url), {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(report),
      });
      if (!res.ok) {
        throw new Error(`PUT /v2/convergence/${cluster}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
      }
      return true;
    } catch (err) {
      this.o.onError?.(err as Error);
      return false;
    }
  }
}
