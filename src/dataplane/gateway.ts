/**
 * Assembles an East-West gateway: xDS client (router node) -> runtime, a passthrough listener on port 15443 of
 * every address in `MB_GATEWAY_ADDRESSES`, admin and metrics on the pod IP.
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
  const ready = (): boolean =>
    xds.state.cluster.received && xds.state.endpoint.names.every((n) => xds.state.endpoint.models.has(n));
  let open = false;
  try {
    http.push(
      await startAdmin(
        { xds, runtime, metrics, identity: { id: config.nodeId }, ready: () => open && ready() },
        config.podIp,
        config.adminPort,
      ),
    );
    if (config.metricsPort !== config.adminPort)
      http.push(await startMetrics(metrics, config.podIp, config.metricsPort));
    // As for sidecars: open 15443 once the first complete config is in (capped), so no early connection is refused
    // for want of config.
    if (!(await waitFor(ready, options.warmingTimeoutMs ?? 10_000))) log('starting without a complete xDS config');
    // Every address this process owns or listens on; the passthrough never dials one of them.
    const own = new OwnAddresses([config.podIp, ...config.gatewayAddresses]);
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
  return { xds, runtime, metrics, stop };
}
