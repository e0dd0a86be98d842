/** Storage references and small accessors the controllers share. */
import { canonicalJson } from '../../api/canonical-json.js';
import type { ResourceRef, StoredObject } from '../store/types.js';

export const PODS: ResourceRef = { group: '', plural: 'pods' };
export const DEPLOYMENTS: ResourceRef = { group: 'apps', plural: 'deployments' };
export const SERVICES: ResourceRef = { group: '', plural: 'services' };
export const ENDPOINTS: ResourceRef = { group: '', plural: 'endpoints' };
export const NODES: ResourceRef = { group: '', plural: 'nodes' };
export const NAMESPACES: ResourceRef = { group: '', plural: 'namespaces' };
export const INGRESS_GATEWAYS: ResourceRef = { group: 'install.tetrate.io', plural: 'ingressgateways' };
export const WORKLOAD_ENTRIES: ResourceRef = { group: 'networking.istio.io', plural: 'workloadentries' };

/** A loosely typed JSON record. */
export type Rec = Record<string, unknown>;

/** The value as a record, or an empty one. */
export const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
/** The value as a list of records, or an empty list. */
export const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
/** The value as a string map (non-string values dropped). */
export const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(rec(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));

/** Whether a pod's Ready condition is True. */
export function podReady(pod: StoredObject): boolean {
  return recs(rec(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** The pod's IP, if it has one. */
export function podIP(pod: StoredObject): string | undefined {
  const ip = rec(pod.status).podIP;
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}

/** Stable JSON for "did it change" comparisons. */
export function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The controller owner reference of an object, if any. */
export function controllerOf(obj: StoredObject): { kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller) ?? obj.metadata.ownerReferences?.[0];
}
