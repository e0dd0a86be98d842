/** The ratings service: `GET /ratings/<id>` -> stars per reviewer, `GET /health`. */
import type { AppHandler } from './http-app.js';
import { pathOf, sendJson } from './http-app.js';
import { NON_NUMERIC_ID, RATINGS, productIdOf } from './book-data.js';

/** Request handler of the ratings app. */
export const ratingsHandler: AppHandler = (req, res) => {
  const path = pathOf(req);
  if (path === '/health') return sendJson(res, 200, { status: 'Ratings is healthy' });
  const m = /^\/ratings\/([^/]*)$/.exec(path);
  if (req.method !== 'GET' || m === null) return sendJson(res, 404, { error: 'not found' });
  const id = productIdOf(m[1]);
  if (id === undefined) return sendJson(res, 400, NON_NUMERIC_ID);
  sendJson(res, 200, { id, ratings: RATINGS });
};
