/**
 * Inbound: the mTLS listener on `<podIP>:15006`. The TLS layer requires a client certificate from the mesh root
 * (OpenSSL checks chain and dates), the SNI must name an inbound filter chain, then `verifyPeer` re-checks the
 * identity (not a CA, exactly one SPIFFE URI SAN) and its trust domain: one of the chain's accepted domains (the
 * organization's clusters, from the control plane) or, while the control plane names none, the proxy's own.
 * Only then is the connection handed to the HTTP layer, so a refused peer never gets a byte to the application.
 * The listener limits bound handshakes, headers, whole requests, idle keep-alive and the number of connections.
 * Requests go to the app at `<podIP>:<targetPort>`; while the app works on one, the caller gets `102 Processing`
 * every 150 ms (progress.ts), which keeps its per-try idle timeout from cutting a live but slow peer. A probe of
 * the remote-service prober is answered by the sidecar itself (probe-answer.ts).
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { peerChain, verifyPeer } from '../../identity/index.js';
import type { ProxyConfig } from '../config.js';
import { capConnections, httpServerOptions } from '../limits.js';
import type { InboundTarget, ProxyRuntime } from '../runtime.js';
import { hasBody } from './body.js';
import { ProgressSignals } from './progress.js';
import { forwardHeaders, PEER_HEADERS, SERVED_BY } from './headers.js';
import type { ProxyMetrics } from './metrics.js';
import { serviceOfCluster } from './routing.js';
import type { TlsMaterial } from './tls-material.js';
import { answerProbe, isProbe } from './probe-answer.js';

/** Dependencies of the inbound listener. */
export interface InboundDeps {
  config: ProxyConfig;
  runtime: ProxyRuntime;
  tls: TlsMaterial;
  metrics: ProxyMetrics;
  /** Called for each refused connection (tests and logs). */
  onRefused?: (reason: string, detail: string) => void;
}

/** A running inbound listener. */
export interface InboundListener {
  server: tls.Server;
  close(): Promise<void>;
}

const targets = new WeakMap<object, { target: InboundTarget; sni: string; peer: string }>();

/** Starts the inbound mTLS listener. */
export async function startInbound(deps: InboundDeps, host: string, port: number): Promise<InboundListener> {
  const appAgent = new http.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' });
  const limits = deps.config.limits;
  const progress = new ProgressSignals();
  const httpServer = http.createServer(httpServerOptions(limits), (req, res) =>
    forward(deps, appAgent, progress, req, res),
  );
  // This HTTP server never listens itself (the TLS server hands it connections), but Node only starts checking
  // the headers and request timeouts of its connections on 'listening': without this, slow clients never expire.
  httpServer.emit('listening');
  const context = (): tls.SecureContextOptions => ({
    cert: deps.tls.current.certPem,
    key: deps.tls.current.keyPem,
    ca: deps.tls.current.rootPem,
  });
  const server = tls.createServer({
    ...context(),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    handshakeTimeout: limits.handshakeTimeoutMs,
  });
  capConnections(server, limits, () => deps.metrics.droppedConnections.inc({ listener: 'inbound' }));
  deps.tls.onRotate(() => server.setSecureContext(context()));
  const refuse = (socket: TLSSocket, reason: string, detail: string): void => {
    deps.metrics.refusedPeers.inc({ reason });
    deps.onRefused?.(reason, detail);
    socket.destroy();
  };
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => {
    deps.metrics.refusedPeers.inc({ reason: 'handshake' });
    deps.onRefused?.('handshake', err.code ?? err.message);
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const sni = (socket as TLSSocket & { servername?: string | false }).servername || '';
    const target = deps.runtime.inbound.get(sni);
    const own = deps.tls.trustDomain;
    // Never an empty list: verifyPeer reads an empty list as "any domain under the root".
    const trustDomains = target?.trustDomains?.length ? target.trustDomains : own ? [own] : ['(none)'];
    const verdict = verifyPeer(peerChain(socket), deps.tls.roots, { trustDomains });
    if (!verdict.ok) return refuse(socket, verdict.reason, verdict.detail);
    if (!target) return refuse(socket, 'unknown_sni', sni || '(none)');
    targets.set(socket, { target, sni, peer: verdict.uri });
    httpServer.emit('connection', socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    close: async () => {
      appAgent.destroy();
      progress.stop();
      httpServer.closeAllConnections();
      httpServer.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function forward(
  deps: InboundDeps,
  agent: http.Agent,
  progress: ProgressSignals,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const start = performance.now();
  const info = targets.get(req.socket);
  if (!info) return void res.destroy();
  // A remote-service probe (src/xds/probe.ts) is answered here: the app only sees a TCP connect, no request.
  if (isProbe(req)) {
    req.resume();
    return answerProbe(info.target, res);
  }
  progress.track(req, res);
  const headers = forwardHeaders(req.headers);
  const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
  const labels = {
    reporter: 'destination' as const,
    source_workload: first(req.headers[PEER_HEADERS.workload]) || 'unknown',
    source_workload_namespace: first(req.headers[PEER_HEADERS.namespace]) || 'unknown',
    source_cluster: first(req.headers[PEER_HEADERS.cluster]) || 'unknown',
    destination_service: serviceOfCluster(info.sni.replace(/^outbound_\.(\d+)_\.([^_]*)_\./, 'outbound|$1|$2|')),
    destination_cluster: deps.config.cluster,
    response_code: '0',
  };
  for (const h of Object.values(PEER_HEADERS)) delete headers[h];
  headers['x-forwarded-client-cert'] = `URI=${info.peer}`;
  const servedBy = `${deps.config.podName}.${deps.config.namespace}@${deps.config.cluster}`;
  const upstream = http.request(
    { host: info.target.host, port: info.target.port, method: req.method, path: req.url, headers, agent },
    (appRes) => {
      progress.done(res);
      const out = forwardHeaders(appRes.headers);
      if (deps.config.servedByHeader) out[SERVED_BY] = servedBy;
      labels.response_code = String(appRes.statusCode ?? 0);
      res.writeHead(appRes.statusCode ?? 502, out);
      appRes.pipe(res);
      appRes.on('error', () => res.destroy());
    },
  );
  upstream.on('error', () => {
    progress.done(res);
    labels.response_code = '503';
    if (res.headersSent) return void res.destroy();
    const text = 'upstream connect error or disconnect/reset before headers. reset reason: connection failure';
    const out: http.OutgoingHttpHeaders = { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) };
    if (deps.config.servedByHeader) out[SERVED_BY] = servedBy;
    res.writeHead(503, out);
    res.end(text);
  });
  if (hasBody(req)) req.pipe(upstream);
  else {
    upstream.end();
    req.resume();
  }
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
    deps.metrics.observe(labels, performance.now() - start);
  });
}
