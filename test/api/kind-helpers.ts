/** Helpers for the per-kind tables: a case changes a valid object at a field path and expects a code there. */
import { parsePath, type KindName } from '../../src/api/index.js';

/** A JSON object under test. */
export type Obj = Record<string, unknown>;
/** One invalid variant: how to break the valid object, and the code and path that must be reported. */
export type Case = { change: (o: Obj) => void; code: string; path: string; why: string };
/** A kind's valid example and its invalid variants. */
export type Table = { kind: KindName; valid: Obj; invalid: Case[] };

/** The container holding the last segment of `path` in `o`, and that segment. */
function holder(o: Obj, path: string): [Record<string | number, unknown>, string | number] {
  const segs = parsePath(path)!;
  let cur = o as Record<string | number, unknown>;
  for (const seg of segs.slice(0, -1)) cur = cur[seg] as Record<string | number, unknown>;
  return [cur, segs[segs.length - 1]!];
}
/** Sets the field at `path`. */
export const set = (path: string, value: unknown) => (o: Obj) => {
  const [h, k] = holder(o, path);
  h[k] = value;
};
/** Deletes the field at `path`. */
export const del = (path: string) => (o: Obj) => {
  const [h, k] = holder(o, path);
  delete h[k];
};
/** Appends to the list at `path`. */
export const push = (path: string, value: unknown) => (o: Obj) => {
  const [h, k] = holder(o, path);
  (h[k] as unknown[]).push(value);
};
/** The value at `path` of a validated object. */
export const at = (value: unknown, path: string): unknown => {
  const [h, k] = holder(value as Obj, path);
  return h[k];
};

/** A namespaced Kubernetes-style object. */
export const k8s = (apiVersion: string, kind: string, rest: object) => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'bookinfo' },
  ...rest,
});
/** A management-plane object. */
export const tsb = (kind: string, metadata: object, rest: object = {}) => ({
  apiVersion: 'api.tsb.tetrate.io/v2',
  kind,
  metadata: { name: 'x', ...metadata },
  ...rest,
});
/** A minimal pod spec. */
export const podSpec = () => ({ containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] });
/** Parents of an organization's children. */
export const org = { organization: 'tetrate' };
/** Parents of a tenant's children. */
export const ten = { ...org, tenant: 'tetrate' };
