/**
 * A minimal Kubernetes-compatible API server for federation tests, started in-process on a random loopback
 * address and port 0: discovery (`/api/v1`, `/apis/<group>/<version>` resource lists from the kind registry),
 * list with equality label selectors, watch (newline-delimited JSON events from a resourceVersion), create (409 on
 * an existing name), replace (409 on a stale resourceVersion), delete (404 when absent). It speaks what
 * @kubernetes/client-node needs; the embedded cluster API replaces it once available everywhere.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KINDS, apiVersionOf, type KindInfo } from '../../../src/api/index.js';

type Obj = {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown> & {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
} & Record<string, unknown>;
interface Event {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  info: KindInfo;
  object: Obj;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  reason,
  message,
  code,
});

/** A running fake API server. */
export class FakeApiServer {
  private readonly objects = new Map<string, { info: KindInfo; object: Obj }>();
  private readonly events: Event[] = [];
  private readonly watchers = new Set<{ info: KindInfo; selector: [string, string][]; res: ServerResponse }>();
  private rv = 1;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Server-side write (what kubectl or a controller of the cluster would do), with watch events. */
  put(object: Obj): Obj {
    const info = this.infoOf(object.apiVersion ?? '', object.kind ?? '');
    const key = this.key(info, object.metadata?.namespace, object.metadata?.name ?? '');
    const existed = this.objects.has(key);
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(++this.rv) } } as Obj;
    this.objects.set(key, { info, object: stored });
    this.emit({ rv: this.rv, type: existed ? 'MODIFIED' : 'ADDED', info, object: stored });
    return stored;
  }

  remove(apiVersion: string, kind: string, name: string, namespace?: string): void {
    const info = this.infoOf(apiVersion, kind);
    const key = this.key(info, namespace, name);
    const cur = this.objects.get(key);
    if (!cur) return;
    this.objects.delete(key);
    this.emit({ rv: ++this.rv, type: 'DELETED', info, object: cur.object });
  }

  /** Objects of a kind (for assertions). */
  list(kind: string, namespace?: string): Obj[] {
    return [...this.objects.values()]
      .filter((o) => o.info.kind === kind && (namespace === undefined || o.object.metadata?.namespace === namespace))
      .map((o) => o.object)
      .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
  }

  private infoOf(apiVersion: string, kind: string): KindInfo {
    const info = KINDS.find((k) => k.kind === kind && apiVersionOf(k.group, k.versions[0] as string) === apiVersion);
    if (!info) throw new Error(`fake apiserver: unknown ${apiVersion} ${kind}`);
    return info;
  }
  private key(info: KindInfo, ns: string | undefined, name: string): string {
    return `${info.group}/${info.plural}/${info.namespaced ? (ns ?? '') : ''}/${name}`;
  }
  private emit(e: Event): void {
    this.events.push(e);
    for (const w of this.watchers) {
      if (w.info === e.info && matches(w.selector, e.object))
        w.res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const parts = u.pathname.split('/').filter(Boolean);
    // /api/v1/... or /apis/<group>/<version>/...
    const [group, version, rest] =
      parts[0] === 'api' ? ['', parts[1], parts.slice(2)] : [parts[1] ?? '', parts[2], parts.slice(3)];
    const kinds = KINDS.filter((k) => k.scope === 'cluster' && k.group === group && k.versions[0] === version);
    if (rest.length === 0) {
      if (kinds.length === 0) return send(404, status(404, 'NotFound', 'no such group/version'));
      return send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: apiVersionOf(group, version ?? ''),
        resources: kinds.map((k) => ({
          name: k.plural,
          singularName: k.singular,
          namespaced: k.namespaced,
          kind: k.kind,
          verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'],
        })),
      });
    }
    let ns: string | undefined;
    let r = rest;
    if (r[0] === 'namespaces' && r.length >= 3) {
      ns = r[1];
      r = r.slice(2);
    }
    const info = kinds.find((k) => k.plural === r[0]);
    if (!info) return send(404, status(404, 'NotFound', `no resource ${u.pathname}`));
    const name = r[1];
    const body = req.method === 'POST' || req.method === 'PUT' ? ((await readJson(req)) as Obj) : undefined;
    const selector = (u.searchParams.get('labelSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('=') as [string, string]);
    if (req.method === 'GET' && name === undefined) {
      if (u.searchParams.get('watch') === 'true') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        const from = Number(u.searchParams.get('resourceVersion') ?? '0');
        for (const e of this.events) {
          if (e.rv > from && e.info === info && matches(selector, e.object))
            res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
        }
        const w = { info, selector, res };
        this.watchers.add(w);
        req.on('close', () => this.watchers.delete(w));
        return;
      }
      const items = [...this.objects.values()]
        .filter(
          (o) =>
            o.info === info && (ns === undefined || o.object.metadata?.namespace === ns) && matches(selector, o.object),
        )
        .map((o) => o.object);
      return send(200, {
        kind: `${info.kind}List`,
        apiVersion: apiVersionOf(group, version ?? ''),
        metadata: { resourceVersion: String(this.rv) },
        items,
      });
    }
    const key = this.key(info, ns, name ?? body?.metadata?.name ?? '');
    const current = this.objects.get(key);
    switch (req.method) {
      case 'GET':
        return current ? send(200, current.object) : send(404, status(404, 'NotFound', `${name} not found`));
      case 'POST':
        if (current)
          return send(409, status(409, 'AlreadyExists', `${info.plural} "${body?.metadata?.name}" already exists`));
        return send(
          201,
          this.put({ ...body, metadata: { ...body?.metadata, namespace: info.namespaced ? ns : undefined } }),
        );
      case 'PUT':
        if (!current) return send(404, status(404, 'NotFound', `${name} not found`));
        if (
          body?.metadata?.resourceVersion &&
          body.metadata.resourceVersion !== current.object.metadata?.resourceVersion
        ) {
          return send(409, status(409, 'Conflict', 'the object has been modified'));
        }
        return send(
          200,
          this.put({ ...body, metadata: { ...body?.metadata, namespace: info.namespaced ? ns : undefined } }),
        );
      case 'DELETE':
        if (!current) return send(404, status(404, 'NotFound', `${name} not found`));
        this.remove(current.object.apiVersion ?? '', info.kind, name ?? '', ns);
        return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      default:
        return send(405, status(405, 'MethodNotAllowed', String(req.method)));
    }
  }
}

function matches(selector: [string, string][], o: Obj): boolean {
  return selector.every(([k, v]) => o.metadata?.labels?.[k] === v);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
}

/** Writes a kubeconfig with one context per server (context = cluster name), like `local up` does. */
export function kubeconfigFor(servers: Record<string, FakeApiServer>): string {
  const names = Object.keys(servers);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: names.map((n) => ({ name: n, cluster: { server: servers[n]?.url, 'insecure-skip-tls-verify': true } })),
    users: [{ name: 'test', user: { token: 'test-token' } }],
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: 'test' } })),
    'current-context': names[0],
  });
}
