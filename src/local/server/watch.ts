/**
 * Watch streams (`?watch=1`): newline-delimited JSON events `{type, object}` over a chunked response. Without a
 * resourceVersion (or with "0") the stream starts with ADDED for every current object; with one it replays the
 * change log after that version, and a version older than the retained log gets an ERROR event carrying a 410
 * Expired Status (client-node and kubectl then relist). Bookmarks are sent when asked for.
 */
import type { ServerResponse } from 'node:http';
import type { ClusterStore } from '../store/cluster-store.js';
import { isStoreError } from '../store/errors.js';
import { resourceKey, type Change, type StoredObject } from '../store/types.js';
import { asVersion, refOf } from './objects.js';
import type { Target } from './resources.js';
import { ApiError } from './status.js';

/** Options of one watch stream. */
export interface WatchOptions {
  readonly target: Target;
  readonly resourceVersion: string | undefined;
  readonly matches: (obj: StoredObject) => boolean;
  readonly bookmarks: boolean;
  readonly timeoutSeconds?: number;
  /** Milliseconds between bookmarks (default 10 s). */
  readonly bookmarkIntervalMs?: number;
}

/** Serves one watch on `res` until the client goes away or the timeout passes; returns a function ending it cleanly. */
export function serveWatch(store: ClusterStore, res: ServerResponse, options: WatchOptions): () => void {
  const { target } = options;
  const key = resourceKey(refOf(target.kind));
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  let lastSeen = 0;
  let closed = false;
  const send = (type: string, object: unknown): void => {
    if (!closed) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (change: Change): void => {
    if (change.resourceVersion <= lastSeen) return;
    lastSeen = change.resourceVersion;
    if (resourceKey(change.resource) !== key) return;
    const obj = change.object;
    if (target.namespace !== undefined && obj.metadata.namespace !== target.namespace) return;
    if (!options.matches(obj)) return;
    send(change.type, asVersion(target.kind, target.version, obj));
  };
  // Subscribe before reading the backlog; `lastSeen` drops what the backlog already covered.
  const unsubscribe = store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on('close', finish);

  const rv = options.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    lastSeen = store.currentVersion();
    for (const obj of store.list(refOf(target.kind), target.namespace)) {
      if (options.matches(obj)) send('ADDED', asVersion(target.kind, target.version, obj));
    }
  } else {
    const from = Number(rv);
    try {
      if (!Number.isInteger(from) || from < 0) throw new ApiError('BadRequest', `invalid resourceVersion: ${rv}`);
      for (const change of store.changesSince(from)) deliver(change);
      lastSeen = Math.max(lastSeen, from);
    } catch (err) {
      const status = isStoreError(err, 'Expired')
        ? new ApiError('Expired', err.message)
        : err instanceof ApiError
          ? err
          : new ApiError('InternalError', String(err));
      send('ERROR', status.toStatus());
      finish();
      return finish;
    }
  }
  if (options.bookmarks) {
    const every = options.bookmarkIntervalMs ?? 10_000;
    const tick = (): void => {
      send('BOOKMARK', {
        kind: target.kind.kind,
        apiVersion: asVersion(target.kind, target.version, { apiVersion: '', kind: '', metadata: { name: '' } })
          .apiVersion,
        metadata: { resourceVersion: String(lastSeen) },
      });
      timers[0] = setTimeout(tick, every);
    };
    timers[0] = setTimeout(tick, every);
  }
  if (options.timeoutSeconds && options.timeoutSeconds > 0)
    timers[1] = setTimeout(finish, options.timeoutSeconds * 1000);
  return finish;
}
