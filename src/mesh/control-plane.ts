/**
 * Stage 3 of the control plane (serve): `startControlPlane` watches an {@link ObjectSource}, rebuilds the
 * snapshot after changes (debounced), and serves Envoy v3 ADS (state of the world) over gRPC; each stream gets
 * only the resource types it subscribed to, and only when they changed for that proxy.
 */
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { adsServiceDefinition } from '../xds/index.js';
import { isValidAdsToken } from './ads/auth.js';
import type { AdsCounters, TypeStatus } from './ads/session.js';
import {
  failStream,
  serveAdsStream,
  serveDeltaAdsStream,
  type AdsCall,
  type AdsStreamContext,
  type ProxySession,
} from './ads/stream.js';
import { Histogram, Registry } from 'prom-client';
import { ConvergenceTracker } from './ads/convergence.js';
import { convergenceReport, ObjectChangeLog, type ObjectConvergence } from './convergence-report.js';
import { SILENT, type MeshLogger } from './log.js';
import { createSnapshot, type Snapshot } from './snapshot.js';
import type { ObjectSource } from './source.js';

export type { MeshLogger } from './log.js';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  readonly source: ObjectSource;
  /** Where to serve ADS; port 0 picks a free port. */
  readonly listen: { readonly host: string; readonly port: number };
  /** The meshbridge cluster this control plane serves (for logs and stats). */
  readonly clusterName: string;
  /** The cluster's trust domain (local pods' SPIFFE IDs); default `cluster.local`, Istio's. */
  readonly trustDomain?: string;
  readonly log?: MeshLogger;
  /**
   * Token every ADS stream must present as `authorization: Bearer <token>` metadata; others end with
   * UNAUTHENTICATED before they see anything. Embedded clusters always set one (ads/auth.ts says why); without it
   * the server serves anyone who can connect (in-process tests and conformance clients only).
   */
  readonly token?: string;
  /** Delay between the first change and the rebuild + push that includes it (default 50 ms). */
  readonly debounceMs?: number;
}

/** One connected proxy in {@link ControlPlaneStats}. */
export interface ProxyStats {
  readonly nodeId: string;
  /** The stream's protocol: state of the world or delta. */
  readonly protocol: 'sotw' | 'delta';
  readonly types: Readonly<Record<string, TypeStatus>>;
}

/** What {@link ControlPlane.stats} reports. */
export interface ControlPlaneStats {
  readonly clusterName: string;
  /** Snapshot revision being served (starts at 1 once the source is ready). */
  readonly revision: number;
  readonly responses: number;
  readonly acks: number;
  readonly nacks: number;
  /** Snapshot rebuilds (each one followed by a push pass over every stream). */
  readonly rebuilds: number;
  /** Wall time of the last rebuild + push pass (translation and encoding for every stream), ms. */
  readonly lastRebuildMs: number;
  /**
   * CPU time of the last rebuild + push pass (user + system of this process during it), ms: unlike the wall
   * time it does not count the time the process waited for a core on a busy machine.
   */
  readonly lastRebuildCpuMs: number;
  /** Time from the last measured change to the last ACK of the pushes it caused, ms (undefined before one). */
  readonly lastConvergenceMs: number | undefined;
  readonly proxies: readonly ProxyStats[];
}

/** A running control plane. */
export interface ControlPlane {
  /** `host:port` the ADS server listens on (the value for `MB_XDS_ADDRESS`). */
  readonly address: string;
  /**
   * Counters and, unless `proxies: false`, every connected proxy's per-type state (which costs O(proxies x
   * subscribed names): pollers that only need the counters leave it out).
   */
  stats(options?: { readonly proxies?: boolean }): ControlPlaneStats;
  /**
   * Per Service and ServiceEntry: when its configuration last changed, the revision in xDS, and how many of the
   * proxies holding its clusters and assignments ACKed their current versions, with a `Converged` condition.
   * Costs O(objects x proxies): for status queries, not for hot paths.
   */
  convergence(): ObjectConvergence[];
  /**
   * The control plane's Prometheus registry: `meshbridge_xds_convergence_seconds{cluster}`, a histogram of the time
   * from a cluster change (first event of a debounced batch) to the last ACK of the pushes it caused.
   */
  readonly metrics: Registry;
  /** Ends every stream and stops the server; does not close the source (the caller owns it). */
  close(): Promise<void>;
}

/** Error for invalid options, raised before anything starts. */
export class ControlPlaneOptionsError extends Error {
  readonly code = 'MB0805';
}

/**
 * Starts serving. Streams that connect before the source's initial list is complete wait for it: a restarted
 * control plane never answers with an endpoint set smaller than the cluster's truth.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const o = validate(options);
  const log = o.log ?? SILENT;
  const counters: AdsCounters = { responses: 0, acks: 0, nacks: 0 };
  const sessions = new Map<AdsCall, ProxySession>();
  let snapshot: Snapshot | undefined;
  let revision = 0;
  let lastRebuildMs = 0;
  let lastRebuildCpuMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let changedAt = 0;
  let closed = false;
  const metrics = new Registry();
  const convergenceSeconds = new Histogram({
    name: 'meshbridge_xds_convergence_seconds',
    help: 'Time from a cluster change to the last proxy ACK of the xDS pushes it caused.',
    labelNames: ['cluster'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics],
  });
  const tracker = new ConvergenceTracker({
    onConverged: (ms) => convergenceSeconds.observe({ cluster: o.clusterName }, ms / 1000),
  });
  const changeLog = new ObjectChangeLog();

  const rebuild = () => {
    timer = undefined;
    if (closed) return;
    const started = performance.now();
    const cpu = process.cpuUsage();
    snapshot = createSnapshot(o.source.list(), {
      revision: ++revision,
      ...(o.trustDomain ? { trustDomain: o.trustDomain } : {}),
    });
    // The initial build is not a change: only later rebuilds are measured to their last ACK.
    if (changedAt > 0) tracker.beginPass(changedAt);
    for (const [call, session] of sessions) {
      try {
        session.push();
      } catch (err) {
        log.error({ err, nodeId: session.nodeId, cluster: o.clusterName }, 'push failed; closing the stream');
        sessions.delete(call);
        tracker.dropped(session);
        failStream(call, status.INTERNAL, err instanceof Error ? err.message : String(err));
      }
    }
    tracker.endPass();
    lastRebuildMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    lastRebuildCpuMs = (used.user + used.system) / 1000;
    changeLog.update(snapshot, new Date());
  };
  const ready = o.source.ready().then(() => {
    if (!closed) rebuild();
  });
  const unwatch = o.source.watch(() => {
    if (timer || closed) return;
    changedAt = performance.now();
    timer = setTimeout(rebuild, o.debounceMs ?? 50);
  });

  const server = new Server();
  const streamContext: AdsStreamContext = {
    token: o.token,
    log,
    clusterName: o.clusterName,
    sessions,
    counters,
    snapshot: () => snapshot as Snapshot,
    ready,
    closed: () => closed,
    onSent: (session, typeUrl, nonce) => tracker.sent(session, typeUrl, nonce),
    onAck: (session, typeUrl, nonce) => tracker.acked(session, typeUrl, nonce),
    onDropped: (session) => tracker.dropped(session),
  };
  server.addService(adsServiceDefinition(), {
    StreamAggregatedResources: (call: Parameters<typeof serveAdsStream>[0]) => serveAdsStream(call, streamContext),
    DeltaAggregatedResources: (call: Parameters<typeof serveDeltaAdsStream>[0]) =>
      serveDeltaAdsStream(call, streamContext),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${o.listen.host}:${o.listen.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  const address = `${o.listen.host}:${port}`;
  log.info({ address, cluster: o.clusterName }, 'mesh control plane serving ADS');

  return {
    address,
    stats: (options = {}) => ({
      clusterName: o.clusterName,
      revision,
      ...counters,
      rebuilds: revision,
      lastRebuildMs,
      lastRebuildCpuMs,
      lastConvergenceMs: tracker.lastMs,
      proxies: options.proxies === false ? [] : proxyStats(sessions.values()),
    }),
    convergence: () => (snapshot ? convergenceReport(snapshot, sessions.values(), changeLog) : []),
    metrics,
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      unwatch();
      for (const call of sessions.keys()) call.end();
      sessions.clear();
      await shutdown(server);
    },
  };
}

/** Each stream that has said who it is, with the state of its types. */
function proxyStats(sessions: Iterable<ProxySession>): ProxyStats[] {
  return [...sessions]
    .filter((s) => s.nodeId !== undefined)
    .map((s) => ({ nodeId: s.nodeId as string, protocol: s.protocol, types: s.status() }));
}

/** Stops the gRPC server: gracefully, or by force after a second (a stuck stream must not hold `close` up). */
function shutdown(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 1000);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

function validate(o: ControlPlaneOptions): ControlPlaneOptions {
  if (!o.source) throw new ControlPlaneOptionsError('source is required');
  if (!o.listen?.host || !Number.isInteger(o.listen.port) || o.listen.port < 0 || o.listen.port > 65535) {
    throw new ControlPlaneOptionsError(`listen must be {host, port 0..65535}, got ${JSON.stringify(o.listen)}`);
  }
  if (!o.clusterName) throw new ControlPlaneOptionsError('clusterName is required');
  // Never echo the token: it is a secret.
  if (o.token !== undefined && !isValidAdsToken(o.token))
    throw new ControlPlaneOptionsError('token must be 32-256 characters of A-Z a-z 0-9 _ -');
  if (o.debounceMs !== undefined && !(o.debounceMs >= 0)) throw new ControlPlaneOptionsError('debounceMs must be >= 0');
  return Object.freeze({ ...o, listen: Object.freeze({ ...o.listen }) });
}
