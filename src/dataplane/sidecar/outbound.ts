/**
 * Outbound: the explicit HTTP proxy apps reach through `HTTP_PROXY` (`<podIP>:15001`). Routes by authority to
 * an xDS cluster, balances, retries per the route's policy on other hosts, and answers a clear 503/504 with the
 * reason when nothing works, always within the route timeout.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host } from '../balancer/cluster-balancer.js';
import type { ProxyConfig } from '../config.js';
import { capConnections, httpServerOptions } from '../limits.js';
import type { ProxyRuntime } from '../runtime.js';
import type { RetryModel, VirtualHostModel } from '../xds/model.js';
import type { AttemptResult } from './attempt.js';
import { runAttempt } from './attempt.js';
import { RequestBody } from './body.js';
import { clusterFromServedBy, forwardHeaders, PEER_HEADERS, SERVED_BY } from './headers.js';
import type { ProxyMetrics } from './metrics.js';
import { checkProxyAuthorization, refuseProxyRequest } from './proxy-auth.js';
import { requestAuthority, serviceOfCluster, sniForCluster } from './routing.js';
import type { UpstreamAgents } from './upstream.js';

/** Dependencies of the outbound proxy. */
export interface OutboundDeps {
  config: ProxyConfig;
  runtime: ProxyRuntime;
  agents: UpstreamAgents;
  metrics: ProxyMetrics;
}

/** Envoy's response texts, so operators recognise them. */
export const REASONS = {
  noHealthy: 'no healthy upstream',
  connect: 'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
  reset: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  timeout: 'upstream request timeout',
} as const;

/** Whether a result may be retried under `policy` (Envoy retry_on semantics). */
export function retriable(r: AttemptResult, policy: RetryModel): boolean {
  const on = policy.retryOn;
  if (r.kind === 'failure') {
    if (r.reason === 'connect')
      return on.has('connect-failure') || on.has('5xx') || on.has('gateway-error') || on.has('reset');
    return on.has('reset') || on.has('5xx') || on.has('gateway-error');
  }
  const code = r.res.statusCode ?? 0;
  if (on.has('5xx') && code >= 500) return true;
  if (on.has('gateway-error') && (code === 502 || code === 503 || code === 504)) return true;
  if (on.has('retriable-status-codes') && policy.retriableStatusCodes.has(code)) return true;
  return on.has(String(code));
}

/** Creates the outbound request handler. */
export function createOutboundHandler(deps: OutboundDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void handle(deps, req, res);
}

async function handle(deps: OutboundDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = performance.now();
  const target = requestAuthority(req.url ?? '/', req.headers.host);
  const vh = target ? deps.runtime.routes.match(target.authority) : undefined;
  const labels = {
    reporter: 'source' as const,
    source_workload: deps.config.workload,
    source_workload_namespace: deps.config.namespace,
    source_cluster: deps.config.cluster,
    destination_service: vh ? serviceOfCluster(vh.cluster) : 'unknown',
    destination_cluster: 'unknown',
    response_code: '0',
  };
  const reply = (code: number, text: string): void => {
    labels.response_code = String(code);
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
  const result = await attempts(deps, vh, req.method ?? 'GET', target.path, headers, body, start);
  if (result.kind === 'reply') return reply(result.code, result.text);

  const upRes = result.res;
  labels.response_code = String(upRes.statusCode ?? 0);
  labels.destination_cluster =
    clusterFromServedBy(upRes.headers[SERVED_BY]) ?? result.host.endpoint.clusterId ?? 'unknown';
  res.writeHead(upRes.statusCode ?? 502, forwardHeaders(upRes.headers));
  upRes.pipe(res);
  upRes.on('error', () => res.destroy());
  res.on('close', () => {
    if (!upRes.complete) upRes.destroy();
    deps.metrics.observe(labels, performance.now() - start);
  });
}

type Final = { kind: 'reply'; code: number; text: string } | { kind: 'response'; res: IncomingMessage; host: Host };

async function attempts(
  deps: OutboundDeps,
  vh: VirtualHostModel,
  method: string,
  path: string,
  headers: http.OutgoingHttpHeaders,
  body: RequestBody,
  start: number,
): Promise<Final> {
  const balancer = deps.runtime.balancers.get(vh.cluster)!;
  const policy = vh.retry;
  const max = 1 + (policy?.numRetries ?? 0);
  const deadline = vh.timeoutMs > 0 ? start + vh.timeoutMs : Infinity;
  const tried = new Set<string>();
  let last: AttemptResult | undefined;
  for (let i = 0; i < max; i++) {
    // previous_hosts is best effort, as in Envoy: with no other host left, the same one is tried again.
    const host = balancer.pick(policy?.otherHost ? { exclude: tried } : {});
    if (!host) break;
    tried.add(host.key);
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { kind: 'reply', code: 504, text: REASONS.timeout };
    const perTry = policy?.perTryTimeoutMs ? Math.min(policy.perTryTimeoutMs, remaining) : remaining;
    const r = await runAttempt({
      host,
      method,
      path,
      headers,
      body,
      agents: deps.agents,
      sni: sniForCluster(vh.cluster),
      connectTimeoutMs: balancer.cluster.connectTimeoutMs,
      timeoutMs: Number.isFinite(perTry) ? Math.max(1, Math.round(perTry)) : 0,
    });
    last = r;
    const code = r.kind === 'response' ? (r.res.statusCode ?? 0) : 0;
    balancer.record(
      host,
      r.kind === 'failure' ? 'gateway' : code >= 502 && code <= 504 ? 'gateway' : code >= 500 ? 'http5xx' : 'success',
    );
    const connected = r.kind === 'failure' ? r.connected : true;
    const again =
      i + 1 < max &&
      policy !== undefined &&
      retriable(r, policy) &&
      body.canReplay(method, connected) &&
      performance.now() < deadline;
    if (!again) break;
    if (r.kind === 'response') r.res.resume();
    body.detach();
    // Envoy's default retry back-off: 25 ms base, jittered, doubling.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** i));
  }
  if (!last) return { kind: 'reply', code: 503, text: REASONS.noHealthy };
  if (last.kind === 'response') return last;
  if (last.reason === 'timeout') return { kind: 'reply', code: 504, text: REASONS.timeout };
  return { kind: 'reply', code: 503, text: last.reason === 'connect' ? REASONS.connect : REASONS.reset };
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
  capConnections(server, deps.config.limits, () => deps.metrics.droppedConnections.inc({ listener: 'outbound' }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
