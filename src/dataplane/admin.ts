/**
 * Admin endpoint (`<podIP>:15000`: `/config_dump`, `/clusters`, `/ready`) and the Prometheus endpoint
 * (`<podIP>:15020/stats/prometheus`), like Envoy's admin and Istio's merged-metrics port.
 */
import http from 'node:http';
import type { FlightRecorder } from './recorder/flight-recorder.js';
import type { EventSource } from './recorder/serve.js';
import { EVENTS_PATH, serveEvents } from './recorder/serve.js';
import type { ProxyRuntime } from './runtime.js';
import { checkProxyAuthorization } from './sidecar/proxy-auth.js';
import type { ProxyMetrics } from './sidecar/metrics.js';
import type { XdsClient } from './xds/client.js';
import { configDump } from './xds/snapshot.js';

/** What the admin endpoint reads. */
export interface AdminDeps {
  xds: XdsClient;
  runtime: ProxyRuntime;
  metrics: ProxyMetrics;
  identity: Record<string, string>;
  /** Readiness; default: the xDS client holds a complete config. */
  ready?: () => boolean;
  /**
   * Secret that `/config_dump` and `/clusters` require as `Authorization: Basic` password (sidecars: the pod's
   * proxy secret). They show what the ADS server hands out only with its token, and the admin port is reachable
   * by every local user. Absent: served to anyone (gateways, whose view is their own local endpoints).
   */
  configSecret?: string;
  /** The failover flight recorder served at `/failover/events` (sidecars). */
  events?: RecordedEvents;
}

/** A flight recorder and the identity its events are served with. */
export interface RecordedEvents {
  recorder: FlightRecorder;
  source: EventSource;
}

/** Paths that show the proxy's configuration (guarded by {@link AdminDeps.configSecret}). */
const CONFIG_PATHS = new Set(['/config_dump', '/clusters']);

const json = (res: http.ServerResponse, code: number, body: unknown): void => {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/** Starts the admin server. */
export function startAdmin(deps: AdminDeps, host: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (deps.configSecret && CONFIG_PATHS.has(path)) {
      const auth = checkProxyAuthorization(req.headers.authorization, deps.configSecret);
      if (!auth.ok) {
        res.setHeader('www-authenticate', 'Basic realm="meshbridge-sidecar-admin"');
        return json(res, 401, { error: `authentication required (${auth.reason})` });
      }
    }
    switch (path) {
      case '/config_dump':
        return json(res, 200, { node: deps.identity, ...configDump(deps.xds.state, deps.xds.connected) });
      case '/clusters':
        return json(res, 200, deps.runtime.clustersStatus());
      case '/ready': {
        const ready = deps.ready ? deps.ready() : deps.xds.isReady();
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        return void res.end(ready ? 'LIVE\n' : 'PRE_INITIALIZING\n');
      }
      case '/stats/prometheus':
        return void serveMetrics(deps.metrics, res);
      case EVENTS_PATH:
        if (!deps.events) break;
        return serveEvents(deps.events.recorder, deps.events.source, req.url ?? '', res);
      case '/server_info':
        // CPU and memory of this proxy process (benchmarks derive vCPU per 1000 rps from it).
        return json(res, 200, {
          pid: process.pid,
          uptime_s: process.uptime(),
          cpu_us: process.cpuUsage(),
          memory: process.memoryUsage(),
        });
    }
    return json(res, 404, {
      error: 'not found',
      paths: ['/config_dump', '/clusters', '/ready', '/server_info', '/stats/prometheus', EVENTS_PATH],
    });
  });
  return listen(server, host, port);
}

/** Starts the metrics server (`/stats/prometheus`, and `/failover/events` when given a recorder). */
export function startMetrics(
  metrics: ProxyMetrics,
  host: string,
  port: number,
  events?: RecordedEvents,
): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (events && path === EVENTS_PATH) return serveEvents(events.recorder, events.source, req.url ?? '', res);
    if (path !== '/stats/prometheus') return json(res, 404, { error: 'not found' });
    void serveMetrics(metrics, res);
  });
  return listen(server, host, port);
}

async function serveMetrics(metrics: ProxyMetrics, res: http.ServerResponse): Promise<void> {
  const text = await metrics.text();
  res.writeHead(200, { 'content-type': metrics.contentType });
  res.end(text);
}

function listen(server: http.Server, host: string, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
