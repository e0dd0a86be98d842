/**
 * `GET /failover/events?after=SEQ&limit=N` on the proxy's metrics port (15020) and admin port (15000): the flight
 * recorder's events after SEQ, as JSON with the proxy's identity. Read-only and unauthenticated like
 * `/stats/prometheus` beside it: it holds service, cluster and locality names and counts, never an address, a
 * secret or configuration (docs/security.md, Listeners).
 */
import type http from 'node:http';
import type { EventPage, FlightRecorder } from './flight-recorder.js';
import { MAX_PAGE } from './flight-recorder.js';

/** The path served. */
export const EVENTS_PATH = '/failover/events';

/** Who recorded the events (the management plane keys its timelines by it). */
export interface EventSource {
  readonly cluster: string;
  readonly namespace: string;
  readonly pod: string;
  readonly workload: string;
}

/** The JSON body served. */
export interface EventsBody extends EventPage {
  readonly source: EventSource;
}

/** Parses `after` and `limit`; a string naming the bad parameter when invalid. */
export function parseEventsQuery(search: string): { after: number; limit: number } | string {
  if (search.length > 256) return 'query too long';
  const q = new URLSearchParams(search);
  const after = q.get('after') ?? '0';
  const limit = q.get('limit') ?? String(MAX_PAGE);
  if (!/^\d{1,15}$/.test(after)) return 'after must be a non-negative integer';
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE) {
    return `limit must be an integer from 1 to ${MAX_PAGE}`;
  }
  return { after: Number(after), limit: Number(limit) };
}

/** Answers one request for the events. */
export function serveEvents(
  recorder: FlightRecorder,
  source: EventSource,
  url: string,
  res: http.ServerResponse,
): void {
  const i = url.indexOf('?');
  const parsed = parseEventsQuery(i < 0 ? '' : url.slice(i + 1));
  const body =
    typeof parsed === 'string' ? { error: parsed } : { source, ...recorder.since(parsed.after, parsed.limit) };
  const text = JSON.stringify(body);
  res.writeHead(typeof parsed === 'string' ? 400 : 200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
