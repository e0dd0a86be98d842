/** The details service: `GET /details/<id>` -> the book's details record, `GET /health`. */
import type { AppHandler } from './http-app.js';
import { pathOf, sendJson } from './http-app.js';
import { NON_NUMERIC_ID, bookDetails, productIdOf } from './book-data.js';

/** Request handler of the details app. */
export const detailsHandler: AppHandler = (req, res) => {
  const path = pathOf(req);
  if (path === '/health') return sendJson(res, 200, { status: 'Details is healthy' });
  const m = /^\/details\/([^/]*)$/.exec(path);
  if (req.method !== 'GET' || m === null) return sendJson(res, 404, { error: 'not found' });
  const id = productIdOf(m[1]);
  if (id === undefined) return sendJson(res, 400, NON_NUMERIC_ID);
  sendJson(res, 200, bookDetails(id));
};
