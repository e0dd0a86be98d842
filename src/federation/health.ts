/**
 * The controller's probe and metrics listener (`meshbridge controller --health-listen HOST:PORT`): `GET /healthz`
 * (the process answers), `GET /readyz` (a reconcile pass has completed since start; a replica waiting for the
 * leader lease is ready as a standby), `GET /metrics` (Prometheus).
 * Read-only and unauthenticated like a kubelet probe target or a Prometheus scrape port: it reveals pass timings and
 * per-cluster write counts, never configuration, objects or credentials (docs/security.md, "Every listening port").
 * Anything else is 404, any other method 405; requests carry no body and are cut after 5 s; at most 64 connections.
 */
import http from 'node:http';
import { Registry } from 'prom-client';
import type { FederationController } from './controller.js';
import { recordControllerMetrics } from './metrics.js';

/** A running health listener. */
export interface HealthServer {
  readonly url: string;
  /** Follows a controller started after the listener (a replica that became leader). */
  follow(controller: FederationController): void;
  close(): Promise<void>;
}

/**
 * Starts the listener on `host:port` (port 0 picks one), following `controller` when given, else the one passed to
 * `follow` later. Until then `/readyz` answers 200 `standby` when `standby` is set (a replica waiting for the lease
 * is healthy and ready to take over), else 503 (still starting).
 */
export async function startHealthServer(o: {
  controller?: FederationController;
  host: string;
  port: number;
  standby?: boolean;
}): Promise<HealthServer> {
  const registry = new Registry();
  let following: { controller: FederationController; stop: () => void } | undefined;
  let reconciled = false;
  const onReconciled = (): void => void (reconciled = true);
  const follow = (controller: FederationController): void => {
    if (following) throw new Error('the health listener already follows a controller');
    const stopRecording = recordControllerMetrics(controller, registry);
    reconciled = controller.last !== undefined;
    controller.on('reconciled', onReconciled);
    following = {
      controller,
      stop: () => {
        stopRecording();
        controller.off('reconciled', onReconciled);
      },
    };
  };
  if (o.controller) follow(o.controller);
  const server = http.createServer({ requestTimeout: 5_000, headersTimeout: 5_000 }, (req, res) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res
        .writeHead(status, { 'content-type': type, 'cache-control': 'no-store' })
        .end(req.method === 'HEAD' ? '' : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return reply(200, 'ok\n');
    if (path === '/readyz') {
      if (!following) return o.standby ? reply(200, 'standby\n') : reply(503, 'not ready: starting\n');
      return reconciled ? reply(200, 'ok\n') : reply(503, 'not ready: no reconcile pass yet\n');
    }
    if (path === '/metrics') {
      void registry.metrics().then((text) => reply(200, text, registry.contentType));
      return;
    }
    reply(404, 'not found\n');
  });
  server.maxHeadersCount = 50;
  // Probes and scrapes need a handful of connections; more are refused rather than held.
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.address() as { address: string; port: number };
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    follow,
    close: async () => {
      following?.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
