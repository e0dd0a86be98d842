/**
 * The embedded cluster's Kubernetes-compatible API (src/local: SQLite store + API server) started in-process on a
 * random loopback address, for federation tests through @kubernetes/client-node. `put`/`remove` are server-side
 * writes (what the cluster's own controllers or kubectl would cause), with watch events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS, apiVersionOf } from '../../../src/api/index.js';
import { startApiServer, type ApiServer } from '../../../src/local/server/api-server.js';
import { newApiToken } from '../../../src/local/server/guard.js';
import { ClusterStore } from '../../../src/local/store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../../../src/local/store/types.js';

/** A loose object shape for test writes and reads. */
export type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
};

function refOf(kind: string): ResourceRef & { namespaced: boolean; apiVersion: string } {
  const info = KINDS.find((k) => k.kind === kind && k.scope === 'cluster');
  if (!info) throw new Error(`unknown cluster kind ${kind}`);
  return {
    group: info.group,
    plural: info.plural,
    namespaced: info.namespaced,
    apiVersion: apiVersionOf(info.group, info.versions[0] as string),
  };
}

/** One in-process embedded cluster API. */
export class EmbeddedApi {
  private store: ClusterStore | undefined;
  private server: ApiServer | undefined;
  private dir = '';
  url = '';
  /** The bearer token the API requires. */
  readonly token = newApiToken();

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'mb-fed-api-'));
    this.store = new ClusterStore({ file: join(this.dir, 'store.db') });
    const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    this.server = await startApiServer({ store: this.store, host, port: 0, token: this.token });
    this.url = this.server.url;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.store?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get s(): ClusterStore {
    if (!this.store) throw new Error('not started');
    return this.store;
  }

  /** Creates or replaces an object server-side. */
  put(object: Obj): Obj {
    const ref = refOf(object.kind ?? '');
    const meta = { ...(object.metadata ?? {}) } as StoredObject['metadata'];
    delete meta.resourceVersion;
    const stored = { ...object, apiVersion: object.apiVersion ?? ref.apiVersion, metadata: meta } as StoredObject;
    const exists = this.s.get(ref, ref.namespaced ? meta.namespace : undefined, meta.name);
    return (exists ? this.s.update(ref, stored) : this.s.create(ref, stored)) as Obj;
  }

  remove(_apiVersion: string, kind: string, name: string, namespace?: string): void {
    const ref = refOf(kind);
    if (this.s.get(ref, namespace, name)) this.s.delete(ref, namespace, name);
  }

  list(kind: string, namespace?: string): Obj[] {
    return (this.s.list(refOf(kind), namespace) as Obj[]).sort((a, b) =>
      String(a.metadata?.name).localeCompare(String(b.metadata?.name)),
    );
  }
}

export { kubeconfigFor } from '../../support/kubeconfig.js';
