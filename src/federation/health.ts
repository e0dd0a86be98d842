/**
 * The controller's probe and metrics listener (`meshbridge controller --health-listen HOST:PORT`): `GET /healthz`
 * (the process answers), `GET /readyz` (a reconcile pass has completed since start), `GET /metrics` (Prometheus).
 * Read-only and unauthenticated like a kubelet probe target or a Prometheus scrape port: it reveals pass timings and
 * per-cluster write counts, never configuration, objects or credentials (docs/security.md, "Every listening port").
 * Anything else is 404, any other method 405; requests carry no body and are cut after 5 s.
 */
import http from 'node:http';
import { Registry } from 'prom-client';
import type { FederationController } from './controller.js';
import { recordControllerMetrics } from './metrics.js';

/** A running health listener. */
export interface HealthServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the listener on `host:port` (port 0 picks one). */
export async function startHealthServer(o: {
  controller: FederationController;
  host: string;
  port: number;
}): Promise<HealthServer> {
  const registry = new Registry();
  const stopRecording = recordControllerMetrics(o.controller, registry);
  let reconciled = o.controller.last !== undefined;
  const onReconciled = (): void => void (reconciled = true);
  o.controller.on('reconciled', onReconciled);
  const server = http.createServer({ requestTimeout: 5_000, headersTimeout: 5_000 }, (req, res) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res
        .writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
        .end(req.method === 'HEAD' ? '' : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return reply(200, 'ok\n');
    if (path === '/readyz') return reconciled ? reply(200, 'ok\n') : reply(503, 'not ready: no reconcile pass yet\n');
    if (path === '/metrics') {
      void registry.metrics().then((text) => reply(200, text, registry.contentType));
      return;
    }
    reply(404, 'not found\n');
  });
  server.maxHeadersCount = 50;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      stopRecording();
      o.controller.off('reconciled', onReconciled);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
