/**
 * The `events.k8s.io/v1` view of Events. Kubernetes stores one Event resource and serves it in the core `v1`
 * shape and in the `events.k8s.io/v1` shape; here too: the objects live in the core storage and this module
 * converts them when served under `events.k8s.io`. That view is read-only (get, list, watch): the cluster's
 * recorders write the core shape, and kubectl reads events through the core group.
 */
import { KINDS, type KindInfo } from '../../api/index.js';
import type { StoredObject } from '../store/types.js';

/** The `events.k8s.io` Event kind as served: the core Event's names under another group (not a registry kind: its
 * objects are the core Events). */
export const EVENTS_V1_KIND: KindInfo = Object.freeze({ ...coreEvent(), group: 'events.k8s.io', versions: ['v1'] });

function coreEvent(): KindInfo {
  const info = KINDS.find((k) => k.group === '' && k.kind === 'Event');
  if (info === undefined) throw new Error('the kind registry has no core Event');
  return info;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** MicroTime from a second-precision timestamp (`eventTime` is required in `events.k8s.io/v1`). */
function microTime(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v.replace(/Z$/, v.includes('.') ? 'Z' : '.000000Z') : undefined;
}

/** Pure: a core `v1` Event as `events.k8s.io/v1` (the field mapping of Kubernetes' own conversion). */
export function toEventsV1(core: StoredObject): StoredObject {
  const source = rec(core.source);
  const out: Rec = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    eventTime:
      microTime(core.eventTime) ?? microTime(core.firstTimestamp) ?? microTime(core.metadata.creationTimestamp),
    reportingController: core.reportingComponent ?? source.component ?? '',
    reportingInstance: core.reportingInstance ?? source.host ?? '',
    action: core.action ?? core.reason,
    reason: core.reason,
    regarding: core.involvedObject,
    note: core.message,
    type: core.type,
    deprecatedSource: core.source,
    deprecatedFirstTimestamp: core.firstTimestamp,
    deprecatedLastTimestamp: core.lastTimestamp,
    deprecatedCount: core.count,
    ...(core.related ? { related: core.related } : {}),
    ...(core.series ? { series: core.series } : {}),
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as StoredObject;
}
