/** Test support: an in-process cluster store + API server on a random port, and a tiny JSON HTTP client. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterStore } from '../../src/local/store/cluster-store.js';
import { startApiServer, type ApiServer } from '../../src/local/server/api-server.js';
import { newApiToken } from '../../src/local/server/guard.js';

/** A parsed JSON body, navigated with `dig`. */
export type Json = Record<string, unknown>;

/** The value at a dotted path (`items.0.metadata.name`) of a JSON value, or undefined. */
export function dig(value: unknown, path: string): unknown {
  let node: unknown = value;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export interface TestApi {
  readonly url: string;
  /** The bearer token the server requires; `call` sends it unless the headers give another Authorization. */
  readonly token: string;
  readonly store: ClusterStore;
  readonly dir: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json }>;
  endWatches(): void;
  close(): Promise<void>;
}

/** Starts a store and API server with `default` and `bookinfo` namespaces. */
export async function startTestApi(
  options: { changeLogSize?: number; bookmarkIntervalMs?: number } = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'mb-api-'));
  const store = new ClusterStore({ file: join(dir, 'store.db'), changeLogSize: options.changeLogSize });
  for (const name of ['default', 'bookinfo']) {
    store.create({ group: '', plural: 'namespaces' }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const token = newApiToken();
  const server: ApiServer = await startApiServer({ store, token, bookmarkIntervalMs: options.bookmarkIntervalMs });
  return {
    url: server.url,
    token,
    store,
    dir,
    async call(method, path, body, headers = {}) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed as Json };
    },
    endWatches: () => server.endWatches(),
    async close() {
      await server.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
