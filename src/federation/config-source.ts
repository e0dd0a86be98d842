/**
 * Where the controller gets the management-plane configuration: a `ConfigSource` delivers whole snapshots
 * (revision + objects). `InMemoryConfigSource` serves tests and embedding; `HttpConfigSource` long-polls
 * contract D's `GET /v2/snapshot?after=<revision>&wait=<s>`.
 */
import type { FederationConfig } from './types.js';

/** One configuration snapshot. */
export interface ConfigSnapshot {
  revision: string;
  config: FederationConfig;
}

/** A source of configuration snapshots. Listeners are called asynchronously, never re-entrantly. */
export interface ConfigSource {
  /** The latest snapshot, once one has been received. */
  current(): ConfigSnapshot | undefined;
  /** Registers a listener for new snapshots; returns an unsubscribe function. */
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Splits TSB objects (any order, any kinds) into the configuration the plan reads; other kinds are ignored. */
export function configFromObjects(objects: readonly unknown[]): FederationConfig {
  const config: FederationConfig = {
    workspaces: [],
    workspaceSettings: [],
    organizationSettings: [],
    clusters: [],
    failoverPolicies: [],
    failoverDrills: [],
  };
  for (const o of objects) {
    const obj = o as { kind?: string; metadata?: { name?: string } };
    if (!obj?.metadata?.name) continue;
    switch (obj.kind) {
      case 'Workspace':
        config.workspaces.push(obj as FederationConfig['workspaces'][number]);
        break;
      case 'WorkspaceSetting':
        config.workspaceSettings.push(obj as FederationConfig['workspaceSettings'][number]);
        break;
      case 'OrganizationSetting':
        config.organizationSettings.push(obj as FederationConfig['organizationSettings'][number]);
        break;
      case 'Cluster':
        config.clusters.push(obj as FederationConfig['clusters'][number]);
        break;
      case 'FailoverPolicy':
        config.failoverPolicies?.push(obj as NonNullable<FederationConfig['failoverPolicies']>[number]);
        break;
      case 'FailoverDrill':
        config.failoverDrills?.push(obj as NonNullable<FederationConfig['failoverDrills']>[number]);
        break;
      default:
        break;
    }
  }
  return config;
}

/** A config source fed by `set()` (tests, embedding). */
export class InMemoryConfigSource implements ConfigSource {
  private snapshot: ConfigSnapshot | undefined;
  private readonly listeners = new Set<(s: ConfigSnapshot) => void>();
  private revision = 0;

  constructor(initial?: FederationConfig) {
    if (initial) this.snapshot = { revision: String(++this.revision), config: initial };
  }
  current(): ConfigSnapshot | undefined {
    return this.snapshot;
  }
  /** Publishes a new configuration. */
  set(config: FederationConfig): void {
    const snapshot = { revision: String(++this.revision), config };
    this.snapshot = snapshot;
    for (const l of this.listeners) queueMicrotask(() => l(snapshot));
  }
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** Options of `HttpConfigSource`. */
export interface HttpConfigSourceOptions {
  /** Base URL of the management plane, e.g. `https://127.0.0.1:8443`. */
  url: string;
  token: string;
  /** The fetch to use (e.g. one that trusts the management plane's CA); default the global fetch. */
  fetch?: typeof fetch;
  /** Long-poll wait in seconds (default 30). */
  waitSeconds?: number;
  /** Delay after a failed poll before retrying, in ms (default 1000). */
  retryMs?: number;
  onError?: (err: Error) => void;
}

/** Fetches one snapshot (no long poll): what `explain` uses. */
export async function fetchSnapshot(options: {
  url: string;
  token: string;
  after?: string;
  waitSeconds?: number;
  signal?: AbortSignal;
  /** Default: the global fetch. */
  fetch?: typeof fetch;
}): Promise<ConfigSnapshot> {
  const u = new URL('/v2/snapshot', options.url);
  if (options.after !== undefined) u.searchParams.set('after', options.after);
  if (options.waitSeconds !== undefined) u.searchParams.set('wait', String(options.waitSeconds));
  const res = await (options.fetch ?? fetch)(u, {
    headers: { authorization: `Bearer ${options.token}` },
    signal: options.signal,
  });
  if (!res.ok) throw new Error(`GET ${u.pathname}: HTTP ${res.status}`);
  const body = (await res.json()) as { revision?: unknown; objects?: unknown[] };
  return { revision: String(body.revision ?? ''), config: configFromObjects(body.objects ?? []) };
}

/** Long-polls the management plane's snapshot endpoint; a failed poll keeps the last snapshot and retries. */
export class HttpConfigSource implements ConfigSource {
  private snapshot: ConfigSnapshot | undefined;
  private readonly listeners = new Set<(s: ConfigSnapshot) => void>();
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private readonly options: Readonly<Required<Omit<HttpConfigSourceOptions, 'onError' | 'fetch'>>> &
    HttpConfigSourceOptions;

  constructor(options: HttpConfigSourceOptions) {
    if (!/^https?:\/\//.test(options.url)) throw new TypeError(`management plane URL must be http(s): ${options.url}`);
    this.options = Object.freeze({ waitSeconds: 30, retryMs: 1000, ...options });
  }
  current(): ConfigSnapshot | undefined {
    return this.snapshot;
  }
  subscribe(listener: (snapshot: ConfigSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Resolves after the first snapshot arrived (or the first attempt failed). */
  async start(): Promise<void> {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    let first: () => void = () => {};
    const firstDone = new Promise<void>((r) => (first = r));
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        try {
          const snap = await fetchSnapshot({
            url: this.options.url,
            token: this.options.token,
            after: this.snapshot?.revision,
            waitSeconds: this.snapshot ? this.options.waitSeconds : 0,
            signal: abort.signal,
            ...(this.options.fetch === undefined ? {} : { fetch: this.options.fetch }),
          });
          if (snap.revision !== this.snapshot?.revision) {
            this.snapshot = snap;
            for (const l of this.listeners) queueMicrotask(() => l(snap));
          }
          first();
        } catch (err) {
          first();
          if (abort.signal.aborted) break;
          this.options.onError?.(err as Error);
          await new Promise((r) => setTimeout(r, this.options.retryMs));
        }
      }
    })();
    await firstDone;
  }
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }
}
