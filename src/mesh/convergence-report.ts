/**
 * Per object convergence: for each Service and ServiceEntry the control plane serves, when its configuration last
 * changed (written), which snapshot revision put that change in xDS, and how many of the proxies that hold its
 * clusters and assignments have ACKed their current versions, with a `Converged` condition (N of M).
 */
import type { XdsObject } from './xds-types.js';
import { resourceName } from './xds-types.js';
import { resourceVersion } from './ads/resource-diff.js';
import type { AckLedger } from './ads/ack-ledger.js';
import { outboundClusterName } from './translate/names.js';
import { fingerprintOf } from './translate/reuse.js';
import { servicePorts, type MeshServicePort } from './translate/services.js';
import type { Snapshot } from './snapshot.js';
import { TYPE_URLS } from '../xds/index.js';
import type { ObjectConvergence } from '../api/convergence.js';

/** What the report needs of a proxy's session. */
export interface ConvergenceSession {
  readonly nodeId: string | undefined;
  readonly acked: AckLedger;
  /** The resources of a type the proxy should hold now (what the control plane last decided for it). */
  current(typeUrl: string): readonly XdsObject[] | undefined;
}

/** The shapes are the wire contract's (src/api/convergence.ts). */
export type { ObjectConvergence } from '../api/convergence.js';
type ConvergedCondition = ObjectConvergence['conditions'][0];

interface Written {
  print: string;
  revision: number;
  at: string;
}

/** Remembers, per object, the revision and time its configuration last changed. */
export class ObjectChangeLog {
  private readonly byKey = new Map<string, Written>();

  /** Notes every object of `snapshot` whose configuration differs from the previous snapshot's. */
  update(snapshot: Snapshot, at: Date): void {
    const seen = new Set<string>();
    for (const [key, ports] of groupByObject(snapshot)) {
      seen.add(key);
      const print = ports.map((p) => fingerprintOf(p)).join('\n');
      const before = this.byKey.get(key);
      if (before?.print === print) continue;
      this.byKey.set(key, { print, revision: snapshot.revision, at: at.toISOString() });
    }
    for (const key of [...this.byKey.keys()]) if (!seen.has(key)) this.byKey.delete(key);
  }

  get(key: string): Written | undefined {
    return this.byKey.get(key);
  }
}

/** The service ports of a snapshot grouped by object (`<kind>/<namespace>/<name>`). */
function groupByObject(snapshot: Snapshot): Map<string, MeshServicePort[]> {
  const out = new Map<string, MeshServicePort[]>();
  for (const sp of servicePorts(snapshot, { localOnly: false })) {
    // A ServiceEntry is reported per host (one entry may list several).
    const key =
      sp.source === 'service' ? `Service/${sp.namespace}/${sp.name}` : `ServiceEntry/${sp.namespace}/${sp.host}`;
    const list = out.get(key);
    if (list) list.push(sp);
    else out.set(key, [sp]);
  }
  return out;
}

const byName = new WeakMap<readonly XdsObject[], Map<string, XdsObject>>();
function indexOf(list: readonly XdsObject[]): Map<string, XdsObject> {
  let m = byName.get(list);
  if (!m) byName.set(list, (m = new Map(list.map((r) => [resourceName(r), r]))));
  return m;
}

/** The convergence of every Service and ServiceEntry of `snapshot` over `sessions`, sorted by kind/namespace/name. */
export function convergenceReport(
  snapshot: Snapshot,
  sessions: Iterable<ConvergenceSession>,
  log: ObjectChangeLog,
): ObjectConvergence[] {
  const live = [...sessions].filter((s) => s.nodeId !== undefined);
  const report: ObjectConvergence[] = [];
  for (const [key, ports] of groupByObject(snapshot)) {
    const names = [...new Set(ports.map((p) => outboundClusterName(p.port, p.host)))];
    let holding = 0;
    let acked = 0;
    for (const s of live) {
      let holds = false;
      let all = true;
      for (const typeUrl of [TYPE_URLS.cluster, TYPE_URLS.endpoint]) {
        const current = s.current(typeUrl);
        if (!current) continue;
        const index = indexOf(current);
        for (const n of names) {
          const r = index.get(n);
          if (!r) continue;
          holds = true;
          if (s.acked.version(typeUrl, n) !== resourceVersion(r)) all = false;
        }
      }
      if (holds) holding += 1;
      if (holds && all) acked += 1;
    }
    const [kind, namespace, name] = key.split('/') as ['Service' | 'ServiceEntry', string, string];
    const written = log.get(key) ?? { revision: snapshot.revision, at: '' };
    const condition: ConvergedCondition =
      holding === 0
        ? { type: 'Converged', status: 'True', reason: 'NoProxies', message: 'no proxy holds its resources' }
        : acked === holding
          ? {
              type: 'Converged',
              status: 'True',
              reason: 'AllProxiesAcked',
              message: `ACKed by ${acked} of ${holding} proxies`,
            }
          : {
              type: 'Converged',
              status: 'False',
              reason: 'ProxiesPending',
              message: `ACKed by ${acked} of ${holding} proxies`,
            };
    report.push({
      kind,
      namespace,
      name,
      written: { revision: written.revision, at: written.at },
      inXds: { revision: snapshot.revision, resources: names },
      proxies: holding,
      acked,
      conditions: [condition],
    });
  }
  return report.sort((a, b) => {
    const x = `${a.kind}/${a.namespace}/${a.name}`;
    const y = `${b.kind}/${b.namespace}/${b.name}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
