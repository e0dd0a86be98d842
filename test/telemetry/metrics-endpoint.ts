/**
 * A metrics endpoint shaped like a sidecar's (`/stats/prometheus` with Istio's request metrics), backed by
 * prom-client on a real socket: what tests scrape, directly or through a real Prometheus server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';

/** Labels of one Istio request metric sample. */
export interface EdgeLabels {
  reporter?: string;
  source_workload: string;
  source_cluster: string;
  destination_service: string;
  destination_cluster: string;
}

/** A running endpoint. */
export interface MetricsEndpoint {
  url: string;
  host: string;
  /** Records `n` requests of `code` on an edge, each taking `ms`. */
  record: (edge: EdgeLabels, code: string, n?: number, ms?: number) => void;
  close: () => Promise<void>;
}

const LABELS = ['reporter', 'source_workload', 'source_cluster', 'destination_service', 'destination_cluster'];

/** Starts the endpoint on `ip`, port 0. */
export async function startMetricsEndpoint(ip = '127.0.0.1'): Promise<MetricsEndpoint> {
  const registry = new Registry();
  const requests = new Counter({
    name: 'istio_requests_total',
    help: 'Requests by edge and response code',
    labelNames: [...LABELS, 'response_code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration',
    labelNames: LABELS,
    buckets: [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const server = http.createServer((req, res) => {
    if (req.url !== '/stats/prometheus') return void res.writeHead(404).end();
    void registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((r) => server.listen(0, ip, r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${ip}:${port}/stats/prometheus`,
    host: `${ip}:${port}`,
    record: (edge, code, n = 1, ms = 2) => {
      const labels = { reporter: 'source', ...edge };
      requests.inc({ ...labels, response_code: code }, n);
      for (let i = 0; i < n; i++) duration.observe(labels, ms);
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
