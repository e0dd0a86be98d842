/**
 * The per-proxy input of translation: who is asking (sidecar or gateway), where it is (IP, namespace, locality)
 * and its labels. Built from the xDS `Node` of contract C (its id format is src/xds/node.ts's); anything the node leaves out is looked up in the
 * snapshot (the pod with the proxy's IP).
 */
import { parseNodeId, type ProxyRole } from '../xds/index.js';
import { NO_LOCALITY, type Locality } from './locality.js';
import { localityOfPod, type Snapshot } from './snapshot.js';

/** The two proxy roles of contract C: `sidecar~...` and `router~...` node ids. */
export type ProxyType = ProxyRole;

/** One xDS client as translation sees it. */
export interface Proxy {
  readonly type: ProxyType;
  /** The node id as sent. */
  readonly id: string;
  readonly ip: string;
  /** Pod name (empty for proxies that are not pods, e.g. a gRPC client in a test). */
  readonly podName: string;
  readonly namespace: string;
  readonly locality: Locality;
  readonly labels: Readonly<Record<string, string>>;
}

/** The parts of an xDS `Node` (decoded, snake_case) used here; `metadata` already converted from a Struct. */
export interface XdsNodeInfo {
  readonly id: string;
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string } | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** Error for a node id that does not follow `<type>~<ip>~<pod>.<ns>~<domain>`. */
export class ProxyIdError extends Error {
  readonly code = 'MB0803';
  constructor(readonly nodeId: string) {
    super(`node id ${JSON.stringify(nodeId)} is not <sidecar|router>~<ip>~<pod>.<namespace>~<domain>`);
  }
}

/**
 * Parses an xDS node into a {@link Proxy}. Locality comes from `node.locality`, else (when `snapshot` knows a pod
 * with the proxy's IP) from that pod; namespace from the id, else metadata `NAMESPACE`; labels from metadata
 * `LABELS`, else the pod's labels. Throws {@link ProxyIdError} for a malformed id.
 */
export function proxyFromNode(node: XdsNodeInfo, snapshot?: Snapshot): Proxy {
  const parsed = parseNodeId(node.id);
  if (!parsed) throw new ProxyIdError(node.id);
  const { role: type, ip, podName } = parsed;
  const meta = node.metadata ?? {};
  const metaNs = typeof meta['NAMESPACE'] === 'string' ? meta['NAMESPACE'] : undefined;
  const namespace = parsed.namespace ?? metaNs ?? 'default';
  const pod = snapshot?.podsByIp.get(ip);
  const given: Locality = {
    region: node.locality?.region ?? '',
    zone: node.locality?.zone ?? '',
    subzone: node.locality?.sub_zone ?? '',
  };
  const hasGiven = given.region !== '' || given.zone !== '' || given.subzone !== '';
  const locality = hasGiven ? given : pod && snapshot ? localityOfPod(snapshot, pod) : NO_LOCALITY;
  const metaLabels = meta['LABELS'];
  const labels =
    metaLabels && typeof metaLabels === 'object'
      ? Object.fromEntries(
          Object.entries(metaLabels as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === 'string',
          ),
        )
      : (pod?.metadata.labels ?? {});
  return Object.freeze({ type, id: node.id, ip, podName, namespace, locality, labels });
}
