/**
 * The resource paths of the API server, one function per verb: GET (one object, a list, or a watch; JSON or
 * Table), POST (create), PUT (update), PATCH (JSON, merge, strategic merge, server-side apply) and DELETE (one
 * object or a collection by selector). Validation, admission and storage are resources.ts's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterStore } from '../store/cluster-store.js';
import { readOnlyKind } from './discovery.js';
import { combine, includeObject, send } from './reply.js';
import { patchType, readBody, wantsTable } from './request.js';
import type { Resources, Target } from './resources.js';
import { fieldMatcher, labelMatcher, type Matcher } from './selectors.js';
import { ApiError } from './status.js';
import { toTable } from './table.js';
import { serveWatch } from './watch.js';

/** One request on a resource path, with what the server shares between requests. */
export interface ResourceRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly q: URLSearchParams;
  /** The addressed kind, namespace and name; `warnings` collects what admission reports. */
  readonly target: Target & { warnings: string[] };
  readonly store: ClusterStore;
  readonly resources: Resources;
  /** Open watches' end functions (the server ends them on `endWatches` and close). */
  readonly watches: Set<() => void>;
  readonly bookmarkIntervalMs: number | undefined;
}

const selectorOf = (q: URLSearchParams): Matcher =>
  combine(labelMatcher(q.get('labelSelector') ?? undefined), fieldMatcher(q.get('fieldSelector') ?? undefined));

/** Serves a request on a resource path by its verb. */
export async function serveResource(r: ResourceRequest): Promise<void> {
  const { req, target } = r;
  if (req.method !== 'GET' && readOnlyKind(target.kind)) {
    throw new ApiError('MethodNotAllowed', `${req.method ?? ''} is not allowed on ${target.kind.group} events`);
  }
  switch (req.method) {
    case 'GET':
      return serveGet(r);
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return serveWrite(r, req.method);
    case 'DELETE':
      return serveDelete(r);
    default:
      throw new ApiError('MethodNotAllowed', `method ${req.method ?? ''} not allowed`);
  }
}

/** GET: one object, a watch, or a list (JSON, or a Table when the client asks for one). */
function serveGet(r: ResourceRequest): void {
  const { req, res, q, target, store, resources } = r;
  const named = target.name;
  if (named !== undefined) {
    const obj = resources.get({ ...target, name: named });
    const rv = String(store.currentVersion());
    send(res, 200, wantsTable(req) ? toTable(target.kind, [obj], rv, includeObject(q)) : obj);
    return;
  }
  const matches = selectorOf(q);
  if (q.get('watch') === '1' || q.get('watch') === 'true') {
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const end = serveWatch(store, res, {
      target,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      matches,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      // Like an apiserver's --min-request-timeout: watches end after 30-60 minutes and clients resume.
      timeoutSeconds: timeout > 0 ? timeout : 1800 + Math.floor(Math.random() * 1800),
      bookmarkIntervalMs: r.bookmarkIntervalMs,
      ...(wantsTable(req)
        ? { encode: (obj) => toTable(target.kind, [obj], obj.metadata.resourceVersion ?? '', includeObject(q)) }
        : {}),
    });
    r.watches.add(end);
    res.once('close', () => r.watches.delete(end));
    return;
  }
  const rv = String(store.currentVersion());
  const items = resources.list(target).filter(matches);
  if (wantsTable(req)) {
    send(res, 200, toTable(target.kind, items, rv, includeObject(q)));
    return;
  }
  send(res, 200, {
    kind: `${target.kind.kind}List`,
    apiVersion: items[0]?.apiVersion ?? (target.kind.group ? `${target.kind.group}/${target.version}` : target.version),
    metadata: { resourceVersion: rv },
    items,
  });
}

/** POST on a collection, PUT and PATCH on a named object; `dryRun=All` validates and stores nothing. */
async function serveWrite(r: ResourceRequest, method: 'POST' | 'PUT' | 'PATCH'): Promise<void> {
  const { req, res, target, resources } = r;
  const dryRun = r.q.get('dryRun') === 'All';
  const named = target.name;
  const warnings = target.warnings;
  if (method === 'POST') {
    if (named !== undefined) throw new ApiError('MethodNotAllowed', 'POST is only allowed on collections');
    send(res, 201, resources.create(target, await readBody(req), dryRun), warnings);
    return;
  }
  if (named === undefined) throw new ApiError('MethodNotAllowed', `${method} needs a name`);
  if (method === 'PUT') {
    send(res, 200, resources.update({ ...target, name: named }, await readBody(req), dryRun), warnings);
    return;
  }
  const type = patchType(req.headers['content-type']);
  const body = await readBody(req);
  // Server-side apply creates what does not exist yet, and says so with 201.
  const existed =
    type === 'apply' && r.store.get({ group: target.kind.group, plural: target.kind.plural }, target.namespace, named);
  const out = resources.patch({ ...target, name: named }, body, type, dryRun);
  send(res, type === 'apply' && !existed ? 201 : 200, out, warnings);
}

/** DELETE of one object, or of a collection's objects that match the selectors. */
async function serveDelete(r: ResourceRequest): Promise<void> {
  const { req, res, q, target, resources } = r;
  const dryRun = q.get('dryRun') === 'All';
  await readBody(req);
  if (target.name === undefined) {
    const items = resources.deleteCollection(target, selectorOf(q), dryRun);
    send(res, 200, { kind: `${target.kind.kind}List`, apiVersion: 'v1', metadata: {}, items });
    return;
  }
  send(res, 200, resources.delete({ ...target, name: target.name }, dryRun));
}
