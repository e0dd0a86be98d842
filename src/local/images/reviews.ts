/**
 * The reviews service in its three upstream versions: v1 shows no stars, v2 black stars, v3 red stars; v2 and v3
 * call `http://ratings:9080/ratings/<id>` (through the sidecar) for the star counts.
 */
import type { AppHandler } from './http-app.js';
import { pathOf, sendJson } from './http-app.js';
import { REVIEWS, productIdOf } from './book-data.js';
import { httpGet, jsonOf } from './outbound.js';
import { forwardHeaders } from './trace-headers.js';

/** Which stars a version shows. */
export type StarColor = 'none' | 'black' | 'red';

/** One review as upstream's JSON has it. */
export interface Review {
  reviewer: string;
  text: string;
  rating?: { stars: number; color: string } | { error: string };
}

/** Body of `GET /reviews/<id>`. */
export interface ReviewsBody {
  id: string;
  podname: string;
  clustername: string;
  reviews: Review[];
}

// Upstream waits 10 s for ratings in black-star mode and 2.5 s in red (the fault-injection lesson of the sample).
const RATINGS_TIMEOUT_MS: Record<Exclude<StarColor, 'none'>, number> = { black: 10_000, red: 2_500 };

function ratingsOf(body: unknown): Record<string, number> | undefined {
  if (typeof body !== 'object' || body === null || !('ratings' in body)) return undefined;
  const ratings = (body as { ratings: unknown }).ratings;
  return typeof ratings === 'object' && ratings !== null ? (ratings as Record<string, number>) : undefined;
}

/** Builds the reviews body; pure given the ratings answer (undefined = ratings unavailable). */
export function reviewsBody(options: {
  id: string;
  podName: string;
  clusterName: string;
  color: StarColor;
  ratings: Record<string, number> | undefined;
}): ReviewsBody {
  const reviews = REVIEWS.map(({ reviewer, text }): Review => {
    if (options.color === 'none') return { reviewer, text };
    const stars = options.ratings?.[reviewer];
    if (options.ratings === undefined)
      return { reviewer, text, rating: { error: 'Ratings service is currently unavailable' } };
    return typeof stars === 'number' ? { reviewer, text, rating: { stars, color: options.color } } : { reviewer, text };
  });
  return { id: options.id, podname: options.podName, clustername: options.clusterName, reviews };
}

/** Request handler of the reviews app showing `color` stars. */
export function reviewsHandler(color: StarColor): AppHandler {
  return async (req, res, env) => {
    const path = pathOf(req);
    if (path === '/health') return sendJson(res, 200, { status: 'Reviews is healthy' });
    const m = /^\/reviews\/([^/]*)$/.exec(path);
    if (req.method !== 'GET' || m === null) return sendJson(res, 404, { error: 'not found' });
    const id = m[1] ?? '';
    let ratings: Record<string, number> | undefined;
    if (color !== 'none' && productIdOf(id) !== undefined) {
      const result = await httpGet(`http://ratings:9080/ratings/${id}`, {
        proxy: env.proxy,
        localAddress: env.podIp,
        headers: forwardHeaders(req.headers),
        timeoutMs: RATINGS_TIMEOUT_MS[color],
      });
      ratings = ratingsOf(jsonOf(result));
    }
    const clusterName = process.env.CLUSTER_NAME || 'null';
    sendJson(res, 200, reviewsBody({ id, podName: env.podName, clusterName, color, ratings }));
  };
}
