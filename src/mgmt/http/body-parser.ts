/**
 * The management plane's only JSON body parser: strict (duplicate keys, nesting deeper than the limit and the keys
 * `__proto__`/`constructor`/`prototype` are refused with the line, column and field path), and bounded (fastify
 * refuses a body over the limit before reading it, from Content-Length, or while streaming it).
 */
import type { FastifyInstance } from 'fastify';
import { CODES } from '../../api/codes.js';
import { MgmtError } from '../errors.js';
import type { MgmtCode } from '../errors.js';
import type { MgmtLimits } from '../limits/settings.js';
import { parseStrictJson } from './strict-json.js';
import type { StrictJsonError, StrictJsonReason } from './strict-json.js';

const REFUSALS: Record<StrictJsonReason, { mgmt: MgmtCode; api: string }> = {
  syntax: { mgmt: 'MB9011', api: CODES.YAML_SYNTAX.code },
  'duplicate-key': { mgmt: 'MB9011', api: CODES.DUPLICATE_KEY.code },
  'too-deep': { mgmt: 'MB9011', api: CODES.TOO_DEEP.code },
  'forbidden-key': { mgmt: 'MB9012', api: CODES.FORBIDDEN_KEY.code },
};

/**
 * The error for a refused body: the message says where (`body:LINE:COL`) and which field; the one issue carries
 * the validation catalogue's code (MB0001/2/4/10), the document index when the path is inside `objects[i]`
 * (else -1: outside any document) and the path within that document.
 */
export function bodyRefusal(e: StrictJsonError): MgmtError {
  const refusal = REFUSALS[e.reason];
  const inDocument = /^objects\[(\d+)\]\.?(.*)$/.exec(e.path);
  const where = `body:${e.line}:${e.column}${e.path === '' ? '' : ` at ${e.path}`}`;
  return new MgmtError(refusal.mgmt, `${where}: ${e.message}`, [
    {
      index: inDocument === null ? -1 : Number(inDocument[1]),
      code: refusal.api,
      severity: 'error',
      path: inDocument === null ? e.path : (inDocument[2] ?? ''),
      message: e.message,
    },
  ]);
}

/** Replaces fastify's JSON parser with the strict one, bounded by `limits`. */
export function installStrictJson(app: FastifyInstance, limits: MgmtLimits): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: limits.maxBodyBytes },
    (_req, body, done) => {
      const result = parseStrictJson(body as string, { maxDepth: limits.maxBodyDepth });
      if (result.ok) done(null, result.value);
      else done(bodyRefusal(result.error), undefined);
    },
  );
}
