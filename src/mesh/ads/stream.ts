/**
 * One ADS stream on the gRPC server, state of the world or delta: authenticates it, gives it a session
 * ({@link AdsSession} or {@link DeltaAdsSession}), and feeds the session its requests strictly in order, each
 * after the source's initial list is in. A request the session refuses, or a push that fails, ends that stream
 * only.
 */
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { DeltaDiscoveryRequest, DiscoveryRequest, DiscoveryResponse, WireDeltaResponse } from '../../xds/index.js';
import type { MeshLogger } from '../log.js';
import type { Snapshot } from '../snapshot.js';
import type { XdsObject } from '../xds-types.js';
import type { AckLedger } from './ack-ledger.js';
import { adsTokenMatches } from './auth.js';
import { DeltaAdsSession } from './delta-session.js';
import { AdsSession, type AdsCounters, type NackRecord, type TypeStatus } from './session.js';

/** A server-side ADS call of either protocol. */
export type AdsCall =
  | ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>
  | ServerDuplexStream<DeltaDiscoveryRequest, WireDeltaResponse>;

/** What the server needs of a session, whatever its protocol. */
export interface ProxySession {
  readonly nodeId: string | undefined;
  /** `'sotw'` or `'delta'`. */
  readonly protocol: 'sotw' | 'delta';
  /** Which version of each resource the proxy has ACKed. */
  readonly acked: AckLedger;
  push(): void;
  status(): Record<string, TypeStatus>;
  /** The resources of a type the proxy should hold now. */
  current(typeUrl: string): readonly XdsObject[] | undefined;
}

/** What every stream of one control plane shares. */
export interface AdsStreamContext {
  /** The bearer token streams must present; none serves anyone. */
  readonly token: string | undefined;
  readonly log: MeshLogger;
  readonly clusterName: string;
  /** The live sessions, by call: a stream is in it from its start until it ends or fails. */
  readonly sessions: Map<AdsCall, ProxySession>;
  readonly counters: AdsCounters;
  /** The snapshot being served (set before `ready` resolves). */
  readonly snapshot: () => Snapshot;
  /** Resolves once the source's initial list is in and the first snapshot is built. */
  readonly ready: Promise<void>;
  readonly closed: () => boolean;
  /** Called when a session sends a response (nonce) and when it receives an ACK (convergence bookkeeping). */
  readonly onSent?: (session: ProxySession, typeUrl: string, nonce: string) => void;
  readonly onAck?: (session: ProxySession, typeUrl: string, nonce: string) => void;
  /** Called when a stream ends or fails. */
  readonly onDropped?: (session: ProxySession) => void;
}

/** Ends a stream with a gRPC status (grpc-js ends a streaming call with it when 'error' is emitted on it). */
export function failStream(call: AdsCall, code: status, details: string): void {
  call.emit('error', { code, details });
}

/** Serves one `StreamAggregatedResources` (state of the world) call until it ends. */
export function serveAdsStream(
  call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>,
  c: AdsStreamContext,
): void {
  if (!authenticated(call, c)) return;
  const session: AdsSession = new AdsSession({
    snapshot: c.snapshot,
    send: (response) => {
      call.write(response);
      c.onSent?.(session, response.type_url, response.nonce);
    },
    counters: c.counters,
    onNack: nackLogger(c),
    onAck: (typeUrl, nonce) => c.onAck?.(session, typeUrl, nonce),
  });
  serve(call, c, session, (req) => session.handle(req));
}

/** Serves one `DeltaAggregatedResources` (incremental) call until it ends. */
export function serveDeltaAdsStream(
  call: ServerDuplexStream<DeltaDiscoveryRequest, WireDeltaResponse>,
  c: AdsStreamContext,
): void {
  if (!authenticated(call, c)) return;
  const session: DeltaAdsSession = new DeltaAdsSession({
    snapshot: c.snapshot,
    send: (response) => {
      call.write(response);
      c.onSent?.(session, response.type_url, response.nonce);
    },
    counters: c.counters,
    onNack: nackLogger(c),
    onAck: (typeUrl, nonce) => c.onAck?.(session, typeUrl, nonce),
  });
  serve(call, c, session, (req) => session.handle(req));
}

function authenticated(call: AdsCall, c: AdsStreamContext): boolean {
  if (c.token !== undefined && !adsTokenMatches(call.metadata.get('authorization'), c.token)) {
    c.log.warn({ cluster: c.clusterName, peer: call.getPeer() }, 'ADS stream refused: missing or wrong token');
    failStream(call, status.UNAUTHENTICATED, 'missing or wrong xDS token');
    return false;
  }
  return true;
}

function nackLogger(c: AdsStreamContext): (nodeId: string, typeUrl: string, nack: NackRecord) => void {
  return (nodeId, typeUrl, nack) =>
    c.log.warn({ nodeId, typeUrl, ...nack, cluster: c.clusterName }, 'proxy rejected a configuration');
}

function serve<Req>(
  call: ServerDuplexStream<Req, unknown>,
  c: AdsStreamContext,
  session: ProxySession,
  handle: (req: Req) => void,
): void {
  const key = call as unknown as AdsCall;
  c.sessions.set(key, session);
  const drop = () => {
    if (c.sessions.delete(key)) c.onDropped?.(session);
  };
  // Requests are handled strictly in order, each after the initial list is in.
  let queue: Promise<void> = c.ready;
  call.on('data', (req: Req) => {
    queue = queue.then(() => {
      if (c.closed() || !c.sessions.has(key)) return;
      try {
        handle(req);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        c.log.warn({ nodeId: session.nodeId, message, cluster: c.clusterName }, 'closing an ADS stream');
        drop();
        failStream(key, status.INVALID_ARGUMENT, message);
      }
    });
  });
  call.on('end', () => {
    drop();
    call.end();
  });
  call.on('cancelled', drop);
  call.on('error', drop);
  call.on('close', drop);
}
