/**
 * The text `meshbridge history` prints: one row per failover episode as GET /v2/failover/events returns it. Pure,
 * so the layout has table tests; the wire types are restated here because the CLI reaches the management plane
 * over its API only.
 */
import { table } from './mgmt-get.js';

/** An episode as the API returns it (the fields printed). */
export interface WireEpisode {
  service: string;
  source: { cluster: string; pod: string };
  trigger: { kind: string; atMs: number };
  from: string;
  to: string;
  startedAtMs: number;
  timeToFailoverMs: number;
  requestsFailed: number;
  timeToFailbackMs?: number;
  durationMs?: number;
  open: boolean;
}

/** Milliseconds as a short duration: `180ms`, `2.35s`, `4m05s`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The history of `service` (as the user typed it), `events` being how many events the episodes came from. */
export function formatHistory(service: string, episodes: readonly WireEpisode[], events: number): string {
  const n = episodes.length;
  const head = `${service}: ${n} failover episode${n === 1 ? '' : 's'} (from ${events} recorded event${events === 1 ? '' : 's'})`;
  if (n === 0) return head;
  const rows = [
    [
      'STARTED',
      'CLIENT',
      'TRIGGER',
      'FROM',
      'TO',
      'TIME TO FAIL OVER',
      'REQUESTS FAILED',
      'TIME TO FAIL BACK',
      'DURATION',
    ],
    ...episodes.map((e) => [
      new Date(e.startedAtMs).toISOString(),
      `${e.source.cluster}/${e.source.pod}`,
      e.trigger.kind,
      e.from,
      e.to,
      duration(e.timeToFailoverMs),
      String(e.requestsFailed),
      e.timeToFailbackMs === undefined ? '-' : duration(e.timeToFailbackMs),
      e.open ? 'still failed over' : duration(e.durationMs ?? 0),
    ]),
  ];
  return `${head}\n${table(rows)}`;
}
