/**
 * One ADS stream on the gRPC server: authenticates it, gives it an {@link AdsSession}, and feeds the session its
 * requests strictly in order, each after the source's initial list is in. A request the session refuses, or a
 * push that fails, ends that stream only.
 */
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { DiscoveryRequest, DiscoveryResponse } from '../../xds/index.js';
import type { MeshLogger } from '../log.js';
import type { Snapshot } from '../snapshot.js';
import { adsTokenMatches } from './auth.js';
import { AdsSession, type AdsCounters } from './session.js';

/** A server-side ADS call. */
export type AdsCall = ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>;

/** What every stream of one control plane shares. */
export interface AdsStreamContext {
  /** The bearer token streams must present; none serves anyone. */
  readonly token: string | undefined;
  readonly log: MeshLogger;
  readonly clusterName: string;
  /** The live sessions, by call: a stream is in it from its start until it ends or fails. */
  readonly sessions: Map<AdsCall, AdsSession>;
  readonly counters: AdsCounters;
  /** The snapshot being served (set before `ready` resolves). */
  readonly snapshot: () => Snapshot;
  /** Resolves once the source's initial list is in and the first snapshot is built. */
  readonly ready: Promise<void>;
  readonly closed: () => boolean;
}

/** Ends a stream with a gRPC status (grpc-js ends a streaming call with it when 'error' is emitted on it). */
export function failStream(call: AdsCall, code: status, details: string): void {
  call.emit('error', { code, details });
}

/** Serves one `StreamAggregatedResources` call until it ends. */
export function serveAdsStream(call: AdsCall, c: AdsStreamContext): void {
  if (c.token !== undefined && !adsTokenMatches(call.metadata.get('authorization'), c.token)) {
    c.log.warn({ cluster: c.clusterName, peer: call.getPeer() }, 'ADS stream refused: missing or wrong token');
    failStream(call, status.UNAUTHENTICATED, 'missing or wrong xDS token');
    return;
  }
  const session = new AdsSession({
    snapshot: c.snapshot,
    send: (response) => call.write(response),
    counters: c.counters,
    onNack: (nodeId, typeUrl, nack) =>
      c.log.warn({ nodeId, typeUrl, ...nack, cluster: c.clusterName }, 'proxy rejected a configuration'),
  });
  c.sessions.set(call, session);
  // Requests are handled strictly in order, each after the initial list is in.
  let queue: Promise<void> = c.ready;
  call.on('data', (req: DiscoveryRequest) => {
    queue = queue.then(() => {
      if (c.closed() || !c.sessions.has(call)) return;
      try {
        session.handle(req);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        c.log.warn({ nodeId: session.nodeId, message, cluster: c.clusterName }, 'closing an ADS stream');
        c.sessions.delete(call);
        failStream(call, status.INVALID_ARGUMENT, message);
      }
    });
  });
  const drop = () => c.sessions.delete(call);
  call.on('end', () => {
    drop();
    call.end();
  });
  call.on('cancelled', drop);
  call.on('error', drop);
  call.on('close', drop);
}
