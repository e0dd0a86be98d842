/**
 * East-West gateway connection handling (Istio AUTO_PASSTHROUGH): read the TLS ClientHello without decrypting,
 * take the SNI `outbound_.<port>_.<subset>_.<fqdn>`, pick a healthy local endpoint of cluster
 * `outbound|<port>|<subset>|<fqdn>` and pipe the raw bytes (ClientHello included) to it. Anything else —
 * plaintext, a malformed hello, a name that does not parse, an unknown service, no healthy endpoint, a hello
 * that does not arrive within the handshake timeout — is closed with nothing forwarded. No key is held here.
 */
import net from 'node:net';
import type { Socket } from 'node:net';
import { getExtensionData, readTlsClientHello } from 'read-tls-client-hello';
import type { Host } from '../balancer/cluster-balancer.js';
import type { ProxyRuntime } from '../runtime.js';
import { clusterForSni, serviceOfCluster } from '../sidecar/routing.js';

/** Why a connection was closed without forwarding, or `forwarded`. */
export type PassthroughOutcome =
  | 'forwarded'
  | 'not_tls'
  | 'no_sni'
  | 'bad_sni'
  | 'unknown_service'
  | 'no_healthy_upstream'
  | 'upstream_connect_error'
  | 'handshake_timeout';

/** Options of {@link handlePassthrough}. */
export interface PassthroughOptions {
  runtime: ProxyRuntime;
  /** Time allowed for the ClientHello to arrive (slowloris guard). */
  handshakeTimeoutMs: number;
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
  const cluster = clusterForSni(sni);
  if (!cluster) {
    clearTimeout(timer);
    report('bad_sni');
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
  for (let i = 0; i < (o.maxConnectAttempts ?? 2); i++) {
    const host = balancer.pick(tried);
    if (!host) break;
    tried.add(host.key);
    const upstream = await connect(host, balancer.cluster.connectTimeoutMs);
    if (socket.destroyed) return void upstream?.destroy();
    if (!upstream) {
      balancer.record(host, 'gateway');
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
  report(tried.size === 0 ? 'no_healthy_upstream' : 'upstream_connect_error', service);
  socket.destroy();
}

function connect(host: Host, timeoutMs: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ host: host.endpoint.host, port: host.endpoint.port });
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
