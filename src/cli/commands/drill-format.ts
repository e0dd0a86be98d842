/**
 * The text `meshbridge drill list` prints: one row per drill run as GET /v2/failover/drills returns it, with its
 * report's figures. Pure, so the layout has table tests; the wire type is restated (the CLI reaches the management
 * plane over its API only).
 */
import { duration } from './history-format.js';
import { table } from './mgmt-get.js';

/** A run as the API returns it (the fields printed). */
export interface WireDrillRun {
  id: string;
  service: string;
  cluster: string;
  drill?: string;
  startedAtMs: number;
  endsAtMs: number;
  endedAtMs?: number;
  endReason?: string;
  report: {
    episodes: unknown[];
    timeToFailoverMs?: number;
    requestsFailed: number;
    timeToFailbackMs?: number;
    open: number;
  };
}

/** `details.bookinfo.svc.cluster.local` -> `details.bookinfo`. */
const shortService = (fqdn: string) => fqdn.replace(/\.svc\.cluster\.local$/, '');

/** What happened to a run, as one cell. */
function stateOf(run: WireDrillRun, now: number): string {
  if (run.endedAtMs !== undefined) return `ended${run.endReason ? ` (${run.endReason})` : ''}`;
  // No end reported: its runner died; its lease ran out by the planned end at the latest.
  return run.endsAtMs > now ? 'running' : 'ended (no end reported; its lease ran out)';
}

/** The runs table; `now` decides which unended runs still run. */
export function formatDrillRuns(runs: readonly WireDrillRun[], now: number): string {
  const n = runs.length;
  const head = `${n} drill run${n === 1 ? '' : 's'}`;
  if (n === 0) return `${head} (start one with \`meshbridge drill start\`, or schedule a FailoverDrill)`;
  const rows = [
    [
      'STARTED',
      'RUN',
      'SERVICE',
      'CLUSTER',
      'DRILL',
      'CLIENTS',
      'TIME TO FAIL OVER',
      'REQUESTS FAILED',
      'TIME TO FAIL BACK',
      'STATE',
    ],
    ...runs.map((r) => {
      const clients = r.report.episodes.length;
      const failback =
        clients === 0
          ? '-'
          : r.report.open > 0
            ? `${r.report.open} still failed over`
            : duration(r.report.timeToFailbackMs ?? 0);
      return [
        new Date(r.startedAtMs).toISOString(),
        r.id,
        shortService(r.service),
        r.cluster,
        r.drill === undefined ? 'manual' : (r.drill.split('/').pop() ?? r.drill),
        clients === 0 ? '0 (no client called it)' : String(clients),
        r.report.timeToFailoverMs === undefined ? '-' : duration(r.report.timeToFailoverMs),
        String(r.report.requestsFailed),
        failback,
        stateOf(r, now),
      ];
    }),
  ];
  return `${head}\n${table(rows)}`;
}
