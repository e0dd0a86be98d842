/**
 * `meta.k8s.io/v1` Table responses, which kubectl asks for (`Accept: application/json;as=Table;...`) to print
 * `kubectl get`. Columns follow what kubectl prints for real clusters; WorkloadEntry shows NAME, AGE, ADDRESS as in
 * the seed walkthrough. Priority-1 columns appear with `-o wide`.
 */
import type { KindInfo } from '../../api/index.js';
import type { StoredObject } from '../store/types.js';
import { moreColumns, type Column } from './table-columns.js';
import { isCustomKind } from './custom-kinds.js';
import { printerCell } from './printer-columns.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown, dflt = '<none>'): string => (typeof v === 'string' && v !== '' ? v : dflt);

/** Kubernetes' HumanDuration: `45s`, `3m12s`, `25m`, `5h3m`, `2d4h`, `12d`. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

const nameCol: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageCol: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, now) => {
    const t = Date.parse(o.metadata.creationTimestamp ?? '');
    return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
  },
};

function podStatusText(o: StoredObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const status = rec(o.status);
  for (const cs of arr(status.containerStatuses)) {
    const waiting = rec(rec(cs.state).waiting);
    if (typeof waiting.reason === 'string') return waiting.reason;
  }
  return str(status.phase, 'Pending');
}

function servicePorts(o: StoredObject): string {
  const ports = arr(rec(o.spec).ports).map((p) => {
    const node = typeof p.nodePort === 'number' ? `:${p.nodePort}` : '';
    return `${num(p.port)}${node}/${str(p.protocol, 'TCP')}`;
  });
  return ports.length ? ports.join(',') : '<none>';
}

const COLUMNS: Record<string, Column[]> = {
  pods: [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const cs = arr(rec(o.status).containerStatuses);
        const total = Math.max(arr(rec(o.spec).containers).length, cs.length); // sidecars are not in spec
        return `${cs.filter((c) => c.ready === true).length}/${total}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatusText },
    {
      name: 'Restarts',
      type: 'integer',
      cell: (o) => arr(rec(o.status).containerStatuses).reduce((n, c) => n + num(c.restartCount), 0),
    },
    ageCol,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => str(rec(o.status).podIP) },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => str(rec(o.spec).nodeName) },
  ],
  deployments: [
    nameCol,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${num(rec(o.status).readyReplicas)}/${num(rec(o.spec).replicas ?? 1)}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => num(rec(o.status).updatedReplicas) },
    { name: 'Available', type: 'integer', cell: (o) => num(rec(o.status).availableReplicas) },
    ageCol,
    {
      name: 'Containers',
      type: 'string',
      priority: 1,
      cell: (o) =>
        arr(rec(rec(rec(o.spec).template).spec).containers)
          .map((c) => str(c.name))
          .join(','),
    },
    {
      name: 'Images',
      type: 'string',
      priority: 1,
      cell: (o) =>
        arr(rec(rec(rec(o.spec).template).spec).containers)
          .map((c) => str(c.image))
          .join(','),
    },
  ],
  services: [
    nameCol,
    { name: 'Type', type: 'string', cell: (o) => str(rec(o.spec).type, 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(rec(o.spec).clusterIP) },
    {
      name: 'External-IP',
      type: 'string',
      cell: (o) => {
        const ips = arr(rec(rec(o.status).loadBalancer).ingress).map((i) => str(i.ip ?? i.hostname));
        if (ips.length) return ips.join(',');
        return rec(o.spec).type === 'LoadBalancer' ? '<pending>' : '<none>';
      },
    },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    ageCol,
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      cell: (o) => {
        const sel = Object.entries(rec(rec(o.spec).selector)).map(([k, v]) => `${k}=${String(v)}`);
        return sel.length ? sel.join(',') : '<none>';
      },
    },
  ],
  endpoints: [
    nameCol,
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) => {
        const eps = arr(o.subsets).flatMap((s) =>
          arr(s.addresses).flatMap((a) => arr(s.ports).map((p) => `${str(a.ip)}:${num(p.port)}`)),
        );
        return eps.length ? eps.join(',') : '<none>';
      },
    },
    ageCol,
  ],
  namespaces: [nameCol, { name: 'Status', type: 'string', cell: (o) => str(rec(o.status).phase, 'Active') }, ageCol],
  nodes: [
    nameCol,
    {
      name: 'Status',
      type: 'string',
      cell: (o) =>
        arr(rec(o.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady',
    },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    ageCol,
    { name: 'Version', type: 'string', cell: (o) => str(rec(rec(o.status).nodeInfo).kubeletVersion, '') },
  ],
  workloadentries: [nameCol, ageCol, { name: 'Address', type: 'string', cell: (o) => str(rec(o.spec).address, '') }],
  serviceentries: [
    nameCol,
    { name: 'Hosts', type: 'string', cell: (o) => JSON.stringify(rec(o.spec).hosts ?? []) },
    { name: 'Location', type: 'string', cell: (o) => str(rec(o.spec).location, '') },
    { name: 'Resolution', type: 'string', cell: (o) => str(rec(o.spec).resolution, '') },
    ageCol,
  ],
  destinationrules: [nameCol, { name: 'Host', type: 'string', cell: (o) => str(rec(o.spec).host, '') }, ageCol],
  gateways: [
    nameCol,
    {
      name: 'Hosts',
      type: 'string',
      cell: (o) => JSON.stringify(arr(rec(o.spec).servers).flatMap((s) => (Array.isArray(s.hosts) ? s.hosts : []))),
    },
    ageCol,
  ],
  ...moreColumns({ name: nameCol, age: ageCol, duration: humanDuration }),
};

/** NAME and a custom kind's printer columns, when its CRD has any. */
function customColumns(kind: KindInfo): Column[] | undefined {
  if (!isCustomKind(kind) || kind.custom.printerColumns.length === 0) return undefined;
  return [
    nameCol,
    ...kind.custom.printerColumns.map((p) => ({
      name: p.name,
      type: p.type === 'date' ? 'string' : p.type,
      ...(p.format ? { format: p.format } : {}),
      ...(p.priority ? { priority: p.priority } : {}),
      cell: (o: StoredObject, now: number) => printerCell(p, o, humanDuration, now),
    })),
  ];
}

/** Builds the Table for a list of objects of one kind. */
export function toTable(
  kind: KindInfo,
  objects: readonly StoredObject[],
  resourceVersion: string,
  includeObject: 'None' | 'Metadata' | 'Object',
  now = Date.now(),
): Record<string, unknown> {
  const columns = COLUMNS[kind.plural] ?? customColumns(kind) ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Metadata'
            ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata }
            : o,
    })),
  };
}
