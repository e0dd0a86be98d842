/**
 * Request decoding for the API server: URL path -> discovery document or resource target, request bodies (JSON,
 * YAML, and the protobuf kubectl's typed client sends for a few kinds), and the patch type of a Content-Type.
 */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, servedKind } from './discovery.js';
import type { KindInfo } from '../../api/index.js';
import { refuseForbiddenKeys } from './forbidden-keys.js';
import { mediaType } from './guard.js';
import { decodeKubeProtobuf, isKubeProtobuf } from './protobuf.js';
import type { PatchType, Target } from './resources.js';
import { ApiError } from './status.js';

const MAX_BODY = 10 * 1024 * 1024;

/** What a path addresses. */
export type Route = { type: 'doc'; body: Record<string, unknown> } | { type: 'resource'; target: Target };

/** The Status of a path nothing is served at. */
export function notFoundRoute(): ApiError {
  return new ApiError('NotFound', 'the server could not find the requested resource');
}

/** Maps a URL path to a discovery document or a resource target; `custom` are the kinds the stored CRDs define. */
export function route(path: string, serverAddress: string, custom: readonly KindInfo[] = []): Route {
  const segs = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'doc', body: apiVersions(serverAddress) };
    [group, version, rest] = ['', segs[1] ?? '', segs.slice(2)];
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'doc', body: apiGroupList(custom) };
    const g = apiGroup(segs[1] ?? '', custom);
    if (!g) throw notFoundRoute();
    if (segs.length === 2) return { type: 'doc', body: g };
    [group, version, rest] = [segs[1] ?? '', segs[2] ?? '', segs.slice(3)];
  } else throw notFoundRoute();
  if (rest.length === 0) {
    const list = apiResourceList(group, version, custom);
    if (!list) throw notFoundRoute();
    return { type: 'doc', body: list };
  }
  let namespace: string | undefined;
  const nsSub = group === '' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
  if (rest[0] === 'namespaces' && rest.length >= 3 && !nsSub) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) throw notFoundRoute();
  const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
  const kind = servedKind(group, version, plural, custom);
  if (!kind || (!kind.namespaced && namespace !== undefined)) throw notFoundRoute();
  if (subresource && subresource !== 'status' && !(subresource === 'scale' && plural === 'deployments')) {
    throw notFoundRoute();
  }
  return { type: 'resource', target: { kind, version, namespace, name, subresource } };
}

/**
 * Reads and decodes a request body (undefined when empty); BadRequest / UnsupportedMediaType on bad input, Invalid
 * (MB0010) when any key, or any JSON-patch path segment, is `__proto__`, `constructor` or `prototype`.
 */
export async function readBody(req: IncomingMessage): Promise<unknown> {
  const body = await decodeBody(req);
  refuseForbiddenKeys(body, { jsonPatch: mediaType(req.headers['content-type']) === 'application/json-patch+json' });
  return body;
}

async function decodeBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError('BadRequest', 'request body too large');
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (type.includes('protobuf') && isKubeProtobuf(raw)) return decodeKubeProtobuf(raw);
  if (type.includes('protobuf') || type.includes('cbor')) {
    throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format: ${type}`);
  }
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return type.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ApiError('BadRequest', `malformed request body: ${(err as Error).message}`);
  }
}

/** The patch format of a PATCH request's Content-Type. */
export function patchType(contentType: string | undefined): PatchType {
  const type = (contentType ?? '').split(';')[0]?.trim();
  switch (type) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
      return 'apply';
    default:
      throw new ApiError('UnsupportedMediaType', `the body of the request was in an unknown format: ${type ?? ''}`);
  }
}

/** Whether the client asked for a Table (kubectl get). */
export function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}
