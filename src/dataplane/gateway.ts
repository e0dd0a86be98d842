/**
 * Assembles an East-West gateway: xDS client (router node) -> runtime, a passthrough listener on port 15443 of
 * every address in `MB_GATEWAY_ADDRESSES`, admin and metrics on the pod IP. In a local cluster that is the pod IP
 * alone: the cluster's L4 load balancer owns the Service's addresses (`MB_GATEWAY_EXTERNAL_ADDRESSES`, never dialled).
 */
import net from 'node:net';
import type http from 'node:http';
import { startAdmin, startMetrics } from './admin.js';
import type { ProxyConfig } from './config.js';
import { OwnAddresses } from './gateway/own-addresses.js';
import { handlePassthrough } from './gateway/passthrough.js';
import { capConnections } from './limits.js';
import { ProxyRuntime } from './runtime.js';
import { ProxyMetrics } from './sidecar/metrics.js';
import { waitFor } from './wait.js';
import { XdsClient } from './xds/client.js';
import { buildNode } from './xds/node.js';

/** A running gateway. */
export interface Gateway {
  xds: XdsClient;
  runtime: ProxyRuntime;
  metrics: ProxyMetrics;
  /**
   * Graceful stop: stops accepting at once (a load balancer's next dial goes to another pod), closes open
   * connections once they have carried no byte either way for `quietMs` (between two requests of a keep-alive
   * connection, so no request is cut in flight), at most `closePerPeriod` (2) per `quietMs` (250), then stops
   * whatever is left after `timeoutMs` (15 s, within a pod's default 30 s grace period).
   */
  drain(options?: { quietMs?: number; timeoutMs?: number; closePerPeriod?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Options besides the config. */
export interface GatewayOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** ClientHello deadline; default `config.limits.handshakeTimeoutMs` (5 s). */
  handshakeTimeoutMs?: number;
  /** How long port 15443 waits for a complete xDS config before opening anyway; default 10 s. */
  warmingTimeoutMs?: number;
}

/** Starts the gateway. */
export async function startGateway(config: ProxyConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const log = options.log ?? (() => {});
  const runtime = new ProxyRuntime();
  const metrics = new ProxyMetrics();
  const xds = new XdsClient({ address: config.xdsAddress, node: buildNode(config), token: config.xdsToken });
  xds.on('update', (state) => runtime.apply(state));
  xds.on('nack', (kind, error) => log('xds update rejected', { kind, error }));
  xds.on('disconnected', (err) => log('xds disconnected', { error: err?.message }));
  xds.start();
  const listeners: net.Server[] = [];
  const http: http.Server[] = [];
  const sockets = new Set<net.Socket>();
  const stop = async (): Promise<void> => {
    xds.stop();
    for (const s of sockets) s.destroy();
    for (const l of listeners) l.close();
    for (const h of http) {
      h.closeAllConnections();
      h.close();
    }
  };
  const drain = async (o: { quietMs?: number; timeoutMs?: number; closePerPeriod?: number } = {}): Promise<void> => {
    const quietMs = o.quietMs ?? 250;
    const deadline = Date.now() + (o.timeoutMs ?? 15_000);
    const perPeriod = o.closePerPeriod ?? 2;
    draining = true;
    for (const l of listeners) l.close();
    // Bytes seen per socket at the previous look: unchanged means quiet for at least one period. Closed a few at a
    // time: every close makes a client open a new connection, and a TLS handshake costs CPU at both ends; closing a
    // whole pool at once would turn into a burst of handshakes that, on a busy host, outlasts per-try timeouts.
    const seen = new Map<net.Socket, number>();
    while (sockets.size > 0 && Date.now() < deadline) {
      let closed = 0;
      for (const s of sockets) {
        const bytes = s.bytesRead + s.bytesWritten;
        if (seen.get(s) === bytes && closed < perPeriod) {
          s.destroy();
          closed++;
        } else seen.set(s, bytes);
      }
      await new Promise((r) => setTimeout(r, quietMs));
    }
    await stop();
  };
  let draining = false;
  const ready = (): boolean =>
    xds.state.cluster.received && xds.state.endpoint.names.every((n) => xds.state.endpoint.models.has(n));
  let open = false;
  try {
    http.push(
      await startAdmin(
        { xds, runtime, metrics, identity: { id: config.nodeId }, ready: () => open && !draining && ready() },
        config.podIp,
        config.adminPort,
      ),
    );
    if (config.metricsPort !== config.adminPort)
      http.push(await startMetrics(metrics, config.podIp, config.metricsPort));
    // As for sidecars: open 15443 once the first complete config is in (capped), so no early connection is refused
    // for want of config.
    if (!(await waitFor(ready, options.warmingTimeoutMs ?? 10_000))) log('starting without a complete xDS config');
    // Every address this process owns, listens on or is reached at through a load balancer; the passthrough never
    // dials one of them.
    const own = new OwnAddresses([config.podIp, ...config.gatewayAddresses, ...config.gatewayExternalAddresses]);
    for (const address of config.gatewayAddresses) {
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        // A connection silent both ways for this long is dropped, whether waiting for its hello or piped.
        socket.setTimeout(config.limits.streamIdleTimeoutMs, () => socket.destroy());
        void handlePassthrough(socket, {
          runtime,
          own,
          handshakeTimeoutMs: options.handshakeTimeoutMs ?? config.limits.handshakeTimeoutMs,
          onOutcome: (outcome, service) => {
            metrics.gatewayConnections.inc({ outcome, destination_service: service || 'unknown' });
            if (outcome !== 'forwarded') log('connection refused', { outcome, service, address });
          },
        });
      });
      capConnections(server, config.limits, () => metrics.droppedConnections.inc({ listener: 'gateway' }));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.gatewayPort, address, () => resolve());
      });
      listeners.push(server);
    }
    open = true;
  } catch (err) {
    await stop();
    throw err;
  }
  return { xds, runtime, metrics, drain, stop };
}
