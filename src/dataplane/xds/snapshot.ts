/**
 * The accepted xDS state of one proxy, per resource type: parsed models for the data path, raw decoded
 * resources for `/config_dump`, the accepted version and the last rejection (NACK) if any.
 */
import type { ClusterModel, EndpointsModel, ListenerModel, RouteConfigModel } from './model.js';
import type { ResourceKind } from '../../xds/index.js';

/** Models per resource kind. */
export interface ModelOf {
  cluster: ClusterModel;
  endpoint: EndpointsModel;
  route: RouteConfigModel;
  listener: ListenerModel;
}

/** Accepted resources of one kind. */
export interface TypeState<K extends ResourceKind> {
  version: string;
  nonce: string;
  /** Resource names subscribed (empty = wildcard, for CDS/LDS). */
  names: string[];
  models: Map<string, ModelOf[K]>;
  raw: Map<string, Record<string, unknown>>;
  /** The version of each resource held, by name (delta xDS; empty with state of the world). */
  versions: Map<string, string>;
  rejected?: { version: string; nonce: string; error: string; at: string };
  /** True once a response of this type was accepted. */
  received: boolean;
}

/** The whole accepted state. */
export interface XdsState {
  cluster: TypeState<'cluster'>;
  endpoint: TypeState<'endpoint'>;
  route: TypeState<'route'>;
  listener: TypeState<'listener'>;
}

/** An empty state. */
export function emptyState(): XdsState {
  const t = <K extends ResourceKind>(): TypeState<K> => ({
    version: '',
    nonce: '',
    names: [],
    models: new Map(),
    raw: new Map(),
    versions: new Map(),
    received: false,
  });
  return { cluster: t(), endpoint: t(), route: t(), listener: t() };
}

/** JSON view for the admin `/config_dump`. */
export function configDump(state: XdsState, connected: boolean): Record<string, unknown> {
  const kinds: ResourceKind[] = ['listener', 'route', 'cluster', 'endpoint'];
  return {
    connected,
    configs: Object.fromEntries(
      kinds.map((k) => {
        const s = state[k] as TypeState<ResourceKind>;
        return [
          k,
          {
            version_info: s.version,
            subscribed: s.names,
            resources: [...s.raw.values()],
            ...(s.rejected ? { last_rejected: s.rejected } : {}),
          },
        ];
      }),
    ),
  };
}
