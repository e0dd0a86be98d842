/**
 * Assembles a sidecar: xDS client -> runtime, outbound proxy, inbound mTLS listener, admin and metrics.
 * `startSidecar` is what `sidecar-main.ts` runs; tests can also run it in-process.
 */
import type http from 'node:http';
import { startAdmin, startMetrics } from './admin.js';
import type { ProxyConfig } from './config.js';
import { FlightRecorder } from './recorder/flight-recorder.js';
import { BalancerWatcher } from './recorder/watcher.js';
import { ProxyRuntime } from './runtime.js';
import type { InboundListener } from './sidecar/inbound.js';
import { startInbound } from './sidecar/inbound.js';
import { ProxyMetrics } from './sidecar/metrics.js';
import { startOutbound } from './sidecar/outbound.js';
import { TlsMaterial } from './sidecar/tls-material.js';
import { UpstreamAgents } from './sidecar/upstream.js';
import { waitFor } from './wait.js';
import { XdsClient } from './xds/client.js';
import { buildNode } from './xds/node.js';

/** A running sidecar. */
export interface Sidecar {
  xds: XdsClient;
  runtime: ProxyRuntime;
  metrics: ProxyMetrics;
  /** The failover flight recorder (served at `/failover/events`). */
  recorder: FlightRecorder;
  stop(): Promise<void>;
}

/** Options besides the config. */
export interface SidecarOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  certPollMs?: number;
  /** How long the traffic ports wait for a complete xDS config before opening anyway; default 10 s. */
  warmingTimeoutMs?: number;
}

/** Starts every part of a sidecar on the pod IP. */
export async function startSidecar(config: ProxyConfig, options: SidecarOptions = {}): Promise<Sidecar> {
  const log = options.log ?? (() => {});
  const tls = new TlsMaterial(config.certDir, options.certPollMs);
  const runtime = new ProxyRuntime();
  const metrics = new ProxyMetrics();
  const recorder = new FlightRecorder({ cluster: config.cluster });
  const watcher = new BalancerWatcher({ runtime, recorder });
  watcher.start();
  const events = {
    recorder,
    source: { cluster: config.cluster, namespace: config.namespace, pod: config.podName, workload: config.workload },
  };
  const agents = new UpstreamAgents(tls);
  const xds = new XdsClient({ address: config.xdsAddress, node: buildNode(config), token: config.xdsToken });
  xds.on('update', (state) => runtime.apply(state));
  xds.on('nack', (kind, error) => log('xds update rejected', { kind, error }));
  xds.on('disconnected', (err) => log('xds disconnected', { error: err?.message }));
  xds.on('connected', () => log('xds connected'));
  tls.onRotate(() => log('workload certificate rotated'));
  xds.start();
  const servers: http.Server[] = [];
  let inbound: InboundListener | undefined;
  try {
    servers.push(
      await startAdmin(
        {
          xds,
          runtime,
          metrics,
          identity: { id: config.nodeId, cluster: config.cluster },
          configSecret: config.proxySecret,
          events,
          // Ready = traffic ports open and a complete config held.
          ready: () => inbound !== undefined && xds.isReady(),
        },
        config.podIp,
        config.adminPort,
      ),
    );
    if (config.metricsPort !== config.adminPort)
      servers.push(await startMetrics(metrics, config.podIp, config.metricsPort, events));
    // Like Envoy's listener warming: the traffic ports open once the first complete config is in, so a TCP
    // readiness probe on 15001 means "routable". Past the deadline they open anyway (and answer 404/503).
    const ready = await waitFor(() => xds.isReady(), options.warmingTimeoutMs ?? 10_000);
    if (!ready) log('starting without a complete xDS config', { waitedMs: options.warmingTimeoutMs ?? 10_000 });
    servers.push(
      await startOutbound({ config, runtime, agents, metrics, recorder }, config.podIp, config.outboundPort),
    );
    inbound = await startInbound(
      { config, runtime, tls, metrics, onRefused: (reason, detail) => log('inbound peer refused', { reason, detail }) },
      config.podIp,
      config.inboundPort,
    );
  } catch (err) {
    watcher.stop();
    xds.stop();
    tls.stop();
    for (const s of servers) s.close();
    await inbound?.close();
    throw err;
  }
  return {
    xds,
    runtime,
    metrics,
    recorder,
    async stop() {
      watcher.stop();
      xds.stop();
      tls.stop();
      agents.destroy();
      await inbound?.close();
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}
