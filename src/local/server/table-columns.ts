/**
 * `kubectl get` columns of the kinds added beside the first ones of table.ts: ReplicaSets, Events (as the
 * apiserver prints them: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE), EndpointSlices, ConfigMaps and Secrets (DATA
 * counts keys), the bindings (ROLE) and CustomResourceDefinitions (CREATED AT).
 */
import type { StoredObject } from '../store/types.js';

/** One column of a Table: its definition and how to compute a cell. */
export interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (obj: StoredObject, now: number) => string | number | boolean;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown, dflt = '<none>'): string => (typeof v === 'string' && v !== '' ? v : dflt);
const involved = (o: StoredObject): Rec => rec(o.involvedObject ?? o.regarding);

/** The columns by plural, given the shared NAME and AGE columns and the duration formatter. */
export function moreColumns(shared: {
  name: Column;
  age: Column;
  duration: (ms: number) => string;
}): Record<string, Column[]> {
  const since = (v: unknown, now: number): string => {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? '<unknown>' : shared.duration(now - t);
  };
  const containers = (o: StoredObject, field: 'name' | 'image'): string =>
    arr(rec(rec(rec(o.spec).template).spec).containers)
      .map((c) => str(c[field]))
      .join(',');
  return {
    replicasets: [
      shared.name,
      { name: 'Desired', type: 'integer', cell: (o) => num(rec(o.spec).replicas ?? 1) },
      { name: 'Current', type: 'integer', cell: (o) => num(rec(o.status).replicas) },
      { name: 'Ready', type: 'integer', cell: (o) => num(rec(o.status).readyReplicas) },
      shared.age,
      { name: 'Containers', type: 'string', priority: 1, cell: (o) => containers(o, 'name') },
      { name: 'Images', type: 'string', priority: 1, cell: (o) => containers(o, 'image') },
      {
        name: 'Selector',
        type: 'string',
        priority: 1,
        cell: (o) =>
          Object.entries(rec(rec(rec(o.spec).selector).matchLabels))
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(',') || '<none>',
      },
    ],
    // Cells read the core fields, else their `events.k8s.io/v1` names (events-v1.ts serves both views).
    events: [
      {
        name: 'Last Seen',
        type: 'string',
        cell: (o, now) => since(o.lastTimestamp ?? o.deprecatedLastTimestamp ?? o.eventTime, now),
      },
      { name: 'Type', type: 'string', cell: (o) => str(o.type, '') },
      { name: 'Reason', type: 'string', cell: (o) => str(o.reason, '') },
      {
        name: 'Object',
        type: 'string',
        cell: (o) => `${str(involved(o).kind, '').toLowerCase()}/${str(involved(o).name, '')}`,
      },
      { name: 'Subobject', type: 'string', priority: 1, cell: (o) => str(involved(o).fieldPath, '') },
      {
        name: 'Source',
        type: 'string',
        priority: 1,
        cell: (o) => {
          const source = rec(o.source ?? o.deprecatedSource);
          return [source.component, source.host].filter((x) => typeof x === 'string').join(', ');
        },
      },
      { name: 'Message', type: 'string', cell: (o) => str(o.message ?? o.note, '') },
      {
        name: 'First Seen',
        type: 'string',
        priority: 1,
        cell: (o, now) => since(o.firstTimestamp ?? o.deprecatedFirstTimestamp, now),
      },
      { name: 'Count', type: 'integer', priority: 1, cell: (o) => num(o.count ?? o.deprecatedCount ?? 1) },
      { ...shared.name, priority: 1 },
    ],
    endpointslices: [
      shared.name,
      { name: 'AddressType', type: 'string', cell: (o) => str(o.addressType, '') },
      {
        name: 'Ports',
        type: 'string',
        cell: (o) =>
          arr(o.ports)
            .map((p) => String(num(p.port)))
            .join(',') || '<unset>',
      },
      {
        name: 'Endpoints',
        type: 'string',
        cell: (o) =>
          arr(o.endpoints)
            .flatMap((e) => (Array.isArray(e.addresses) ? e.addresses.map(String) : []))
            .join(',') || '<unset>',
      },
      shared.age,
    ],
    // Data counts as kubectl prints them: keys of data (and binaryData), never the values.
    configmaps: [
      shared.name,
      {
        name: 'Data',
        type: 'integer',
        cell: (o) => Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length,
      },
      shared.age,
    ],
    secrets: [
      shared.name,
      { name: 'Type', type: 'string', cell: (o) => str(o.type, 'Opaque') },
      { name: 'Data', type: 'integer', cell: (o) => Object.keys(rec(o.data)).length },
      shared.age,
    ],
    rolebindings: [shared.name, roleColumn, shared.age],
    clusterrolebindings: [shared.name, roleColumn, shared.age],
    customresourcedefinitions: [
      shared.name,
      { name: 'Created At', type: 'date', cell: (o) => str(o.metadata.creationTimestamp, '') },
    ],
  };
}

/** A binding's ROLE column: `<kind>/<name>` of its roleRef. */
const roleColumn: Column = {
  name: 'Role',
  type: 'string',
  cell: (o) => `${str(rec(o.roleRef).kind, '')}/${str(rec(o.roleRef).name, '')}`,
};
