/**
 * East-West gateway connection handling (Istio AUTO_PASSTHROUGH): read the TLS ClientHello without decrypting,
 * look its SNI up in the `eastwest` listener's routes (one per exported service port, built by the control plane
 * from the Gateways selecting this proxy), pick a healthy local endpoint of the route's cluster and pipe the raw
 * bytes (ClientHello included) to it. Anything else — plaintext, a malformed hello, no SNI, a name that does not
 * parse, an SNI with no route (a service not exported, unknown, or the gateway's own), no healthy endpoint, an
 * endpoint on one of the gateway's own addresses, a hello that does not arrive within the handshake timeout — is
 * closed with nothing forwarded. No key is held here.
 */
import net from 'node:net';
import type { Socket } from 'node:net';
import { getExtensionData, readTlsClientHello } from 'read-tls-client-hello';
import type { ProxyRuntime } from '../runtime.js';
import { clusterForSni, serviceOfCluster } from '../sidecar/routing.js';
import type { OwnAddresses } from './own-addresses.js';

/** Why a connection was closed without forwarding, or `forwarded`. */
export type PassthroughOutcome =
  | 'forwarded'
  | 'not_tls'
  | 'no_sni'
  | 'bad_sni'
  | 'no_route'
  | 'unknown_service'
  | 'self_dial'
  | 'no_healthy_upstream'
  | 'upstream_connect_error'
  | 'handshake_timeout';

/** Options of {@link handlePassthrough}. */
export interface PassthroughOptions {
  runtime: ProxyRuntime;
  /** Time allowed for the ClientHello to arrive (slowloris guard). */
  handshakeTimeoutMs: number;
  /** The gateway's own addresses: an endpoint on one of them is never dialled. */
  own: OwnAddresses;
  /** Connection attempts to distinct endpoints before giving up. */
  maxConnectAttempts?: number;
  onOutcome?: (outcome: PassthroughOutcome, service: string) => void;
}

/** Handles one accepted connection. Never throws. */
export async function handlePassthrough(socket: Socket, o: PassthroughOptions): Promise<void> {
  const report = (outcome: PassthroughOutcome, service = ''): void => o.onOutcome?.(outcome, service);
  socket.on('error', () => socket.destroy());
  const timer = setTimeout(() => {
    report('handshake_timeout');
    socket.destroy();
  }, o.handshakeTimeoutMs);
  let sni: string | undefined;
  try {
    const hello = await readTlsClientHello(socket);
    sni = getExtensionData(hello, 'server_name')?.serverName;
  } catch {
    clearTimeout(timer);
    if (!socket.destroyed) report('not_tls');
    return void socket.destroy();
  }
  if (socket.destroyed) return clearTimeout(timer);
  if (!sni) {
    clearTimeout(timer);
    report('no_sni');
    return void socket.destroy();
  }
  if (!clusterForSni(sni)) {
    clearTimeout(timer);
    report('bad_sni');
    return void socket.destroy();
  }
  // Only a route of the listener forwards: what is exported is what the Gateway lists, nothing implied.
  const cluster = o.runtime.eastWest.get(sni);
  if (!cluster) {
    clearTimeout(timer);
    report('no_route', serviceOfCluster(clusterForSni(sni) ?? ''));
    return void socket.destroy();
  }
  const service = serviceOfCluster(cluster);
  const balancer = o.runtime.balancers.get(cluster);
  if (!balancer) {
    clearTimeout(timer);
    report('unknown_service', service);
    return void socket.destroy();
  }
  const tried = new Set<string>();
  let selfDial = false;
  for (let i = 0; i < (o.maxConnectAttempts ?? 2); i++) {
    const host = balancer.pick({ exclude: tried });
    if (!host) break;
    tried.add(host.key);
    const target = await o.own.resolve(host.endpoint.host);
    if (socket.destroyed) return;
    if (!target.ok) {
      selfDial ||= target.reason === 'self';
      if (target.reason === 'unresolved') balancer.record(host, 'local-origin');
      continue;
    }
    const upstream = await connect(target.ip, host.endpoint.port, balancer.cluster.connectTimeoutMs);
    if (socket.destroyed) return void upstream?.destroy();
    if (!upstream) {
      balancer.record(host, 'local-origin');
      continue;
    }
    clearTimeout(timer);
    balancer.record(host, 'success');
    upstream.on('error', () => socket.destroy());
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    // The hello was pushed back into `socket` by readTlsClientHello, so the upstream sees the stream intact.
    socket.pipe(upstream);
    upstream.pipe(socket);
    report('forwarded', service);
    return;
  }
  clearTimeout(timer);
  report(selfDial ? 'self_dial' : tried.size === 0 ? 'no_healthy_upstream' : 'upstream_connect_error', service);
  socket.destroy();
}

function connect(ip: string, port: number, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve(undefined);
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once('error', () => {
      clearTimeout(t);
      resolve(undefined);
    });
  });
}
