/**
 * The productpage service: `GET /productpage` calls details and reviews through the sidecar and renders the
 * page; `GET /api/v1/products[...]` is the JSON API; `GET /health`. Like upstream it forwards tracing headers and
 * always answers 200 for the page, showing an error block for a backend that failed.
 */
import type { IncomingMessage } from 'node:http';
import type { AppHandler } from './http-app.js';
import { pathOf, sendJson, sendText } from './http-app.js';
import { PRODUCT } from './book-data.js';
import type { GetResult } from './outbound.js';
import { httpGet, jsonOf } from './outbound.js';
import type { PodEnv } from './pod-env.js';
import { renderProductPage } from './productpage-html.js';
import type { Fetched } from './productpage-html.js';
import type { ReviewsBody } from './reviews.js';
import { forwardHeaders } from './trace-headers.js';

/** Header the sidecar of a local cluster adds to every response: `<pod>.<ns>@<cluster>`. */
export const SERVED_BY = 'x-meshbridge-served-by';

/**
 * Response header naming why the page's details call failed (`timeout: ...`, `HTTP 503 upstream connect error`):
 * the page itself only says "unavailable", and a load test that sees a failed page needs the reason to tell a
 * client timeout from a proxy's refusal.
 */
export const DETAILS_ERROR = 'x-meshbridge-details-error';

/** Why a backend call gave no usable body, in one header-safe line; undefined when it did. */
export function failureOf(result: GetResult): string | undefined {
  const line = result.ok
    ? jsonOf(result) === undefined || result.status !== 200
      ? `HTTP ${result.status} ${result.body.split('\n')[0] ?? ''}`
      : undefined
    : `${result.error}: ${result.message}`;
  return line === undefined
    ? undefined
    : line
        .replace(/[^\x20-\x7e]/g, ' ')
        .slice(0, 160)
        .trim();
}

// Upstream's per-call timeout.
const TIMEOUT_MS = 3000;

function servedBy(result: GetResult): string | undefined {
  if (!result.ok) return undefined;
  const value = result.headers[SERVED_BY];
  return typeof value === 'string' ? value : undefined;
}

function fetched<T>(result: GetResult): Fetched<T> {
  const body = jsonOf(result);
  const tag = servedBy(result);
  const base = tag === undefined ? {} : { servedBy: tag };
  return typeof body === 'object' && body !== null ? { ok: true, value: body as T, ...base } : { ok: false, ...base };
}

function get(path: string, req: IncomingMessage, env: PodEnv): Promise<GetResult> {
  return httpGet(`http://${path}`, {
    proxy: env.proxy,
    localAddress: env.podIp,
    headers: forwardHeaders(req.headers),
    timeoutMs: TIMEOUT_MS,
  });
}

// Upstream tries reviews twice (kept on purpose in the sample to illustrate fault injection).
async function getReviews(id: number, req: IncomingMessage, env: PodEnv): Promise<GetResult> {
  const first = await get(`reviews:9080/reviews/${id}`, req, env);
  if (first.ok && first.status === 200) return first;
  return get(`reviews:9080/reviews/${id}`, req, env);
}

function userOf(req: IncomingMessage): string {
  return /(?:^|;\s*)user=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
}

/** Request handler of the productpage app. */
export const productpageHandler: AppHandler = async (req, res, env) => {
  const path = pathOf(req);
  if (path === '/health') return sendText(res, 200, 'Product page is healthy');
  if (path === '/productpage') {
    const [detailsResult, reviewsResult] = await Promise.all([
      get(`details:9080/details/${PRODUCT.id}`, req, env),
      getReviews(PRODUCT.id, req, env),
    ]);
    const details = fetched<Record<string, unknown>>(detailsResult);
    const reviews = fetched<ReviewsBody>(reviewsResult);
    if (details.servedBy !== undefined) res.setHeader('x-meshbridge-details-served-by', details.servedBy);
    if (reviews.servedBy !== undefined) res.setHeader('x-meshbridge-reviews-served-by', reviews.servedBy);
    const detailsFailure = failureOf(detailsResult);
    if (detailsFailure !== undefined) res.setHeader(DETAILS_ERROR, detailsFailure);
    return sendText(res, 200, renderProductPage({ details, reviews, user: userOf(req) }), 'text/html');
  }
  if (path === '/api/v1/products') return sendJson(res, 200, [{ id: PRODUCT.id, title: PRODUCT.title }]);
  const m = /^\/api\/v1\/products\/([^/]+)(?:\/(reviews|ratings))?$/.exec(path);
  if (m !== null) {
    const id = encodeURIComponent(m[1] ?? '');
    const target = m[2] === undefined ? `details:9080/details/${id}` : `${m[2]}:9080/${m[2]}/${id}`;
    const result = await get(target, req, env);
    const body = jsonOf(result);
    if (body !== undefined) return sendJson(res, 200, body);
    return sendJson(res, result.ok ? result.status : 503, { error: `Sorry, ${m[2] ?? 'details'} unavailable` });
  }
  sendJson(res, 404, { error: 'not found' });
};
