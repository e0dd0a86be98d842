/**
 * Outbound: the explicit HTTP proxy apps reach through `HTTP_PROXY` (`<podIP>:15001`). Routes by authority to
 * an xDS cluster, balances, retries per the route's policy on other hosts, and answers a clear 503/504 with the
 * reason when nothing works, always within the route timeout.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyConfig } from '../config.js';
import { capConnections, httpServerOptions } from '../limits.js';
import type { FlightRecorder } from '../recorder/flight-recorder.js';
import type { ProxyRuntime } from '../runtime.js';
import { RequestBody } from './body.js';
import { installFastPath } from './fast-outbound.js';
import { forwardHeaders, PEER_HEADERS, SERVED_BY } from './headers.js';
import { outboundLabels, reportAnswer } from './outbound-report.js';
import type { ProxyMetrics } from './metrics.js';
import { checkProxyAuthorization, refuseProxyRequest } from './proxy-auth.js';
import { REASONS, runAttempts } from './retry-loop.js';
import { requestAuthority, sniForCluster } from './routing.js';
import { runAttempt } from './attempt.js';
import type { UpstreamAgents } from './upstream.js';

/** Dependencies of the outbound proxy. */
export interface OutboundDeps {
  config: ProxyConfig;
  runtime: ProxyRuntime;
  agents: UpstreamAgents;
  metrics: ProxyMetrics;
  /** The flight recorder told of every answer (its status and serving cluster); optional in tests. */
  recorder?: FlightRecorder;
}

export { REASONS, retriable } from './retry-loop.js';

/** Creates the outbound request handler. */
export function createOutboundHandler(deps: OutboundDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void handle(deps, req, res);
}

async function handle(deps: OutboundDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = performance.now();
  const target = requestAuthority(req.url ?? '/', req.headers.host);
  const vh = target ? deps.runtime.routes.match(target.authority) : undefined;
  const labels = outboundLabels(deps.config, vh?.cluster);
  const reply = (code: number, text: string): void => {
    reportAnswer(deps.recorder, labels, vh?.cluster, code);
    deps.metrics.observe(labels, performance.now() - start);
    if (res.headersSent) return void res.destroy();
    res.writeHead(code, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    req.resume();
  };
  if (!target) return reply(400, 'missing Host');
  if (!vh) return reply(404, `no route for ${target.authority}`);
  const balancer = deps.runtime.balancers.get(vh.cluster);
  if (!balancer) return reply(503, REASONS.noHealthy);

  const headers = forwardHeaders(req.headers);
  headers.host = target.host;
  // This proxy already answered `100 Continue` (Node's server does it); the upstream must not wait for another.
  delete headers.expect;
  headers[PEER_HEADERS.workload] = deps.config.workload;
  headers[PEER_HEADERS.namespace] = deps.config.namespace;
  headers[PEER_HEADERS.cluster] = deps.config.cluster;
  const body = new RequestBody(req);
  const method = req.method ?? 'GET';
  const sni = sniForCluster(vh.cluster);
  const result = await runAttempts({
    balancer,
    vh,
    method,
    body,
    start,
    attempt: (host, limits) =>
      runAttempt({ host, method, path: target.path, headers, body, agents: deps.agents, sni, ...limits }),
  });
  if (result.kind === 'reply') return reply(result.code, result.text);

  const upRes = result.res;
  reportAnswer(deps.recorder, labels, vh.cluster, upRes.statusCode ?? 0, {
    servedBy: upRes.headers[SERVED_BY],
    host: result.host,
  });
  res.writeHead(upRes.statusCode ?? 502, forwardHeaders(upRes.headers));
  upRes.pipe(res);
  upRes.on('error', () => res.destroy());
  res.on('close', () => {
    if (!upRes.complete) upRes.destroy();
    deps.metrics.observe(labels, performance.now() - start);
  });
}

/**
 * Starts the outbound listener. Every request must carry the pod's credential (`config.proxySecret`, see
 * proxy-auth.ts); any other gets 407 before routing, so it reaches no upstream and no metric.
 */
export async function startOutbound(deps: OutboundDeps, host: string, port: number): Promise<http.Server> {
  if (!deps.config.proxySecret) throw new TypeError('the outbound proxy needs config.proxySecret');
  const secret = deps.config.proxySecret;
  const handler = createOutboundHandler(deps);
  // Slow or idle clients are bounded by the listener limits (headers, whole request, keep-alive, connection cap).
  const server = http.createServer(httpServerOptions(deps.config.limits), (req, res) => {
    const auth = checkProxyAuthorization(req.headers['proxy-authorization'], secret);
    if (!auth.ok) return refuseProxyRequest(req, res, auth.reason);
    handler(req, res);
  });
  if (deps.config.httpFastPath) {
    const fast = installFastPath(server, { ...deps, secret, pool: deps.agents.raw });
    // Node's closeAllConnections knows only the connections its own parser holds.
    const closeAll = server.closeAllConnections.bind(server);
    server.closeAllConnections = () => {
      fast.closeAll();
      closeAll();
    };
  }
  capConnections(server, deps.config.limits, () => deps.metrics.droppedConnections.inc({ listener: 'outbound' }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
