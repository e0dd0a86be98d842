/**
 * The cluster's single Node, `<cluster>-node`, labelled with the cluster's locality
 * (`topology.kubernetes.io/region` / `zone`) — the labels the federation controller and mesh read, and the ones
 * new pods inherit. Labels a user adds are kept. The locality labels start as the cluster's configured locality;
 * a user may relabel the node (as on a real cluster, e.g. to try the same-region case), and that stands until
 * the configured locality itself changes (`local up --clusters` with another region), which the annotation
 * `meshbridge.io/configured-locality` records.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { ClusterInfo } from '../config.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { NODES, same } from './refs.js';

const CONFIGURED_LOCALITY = 'meshbridge.io/configured-locality';

/** Pure: the Node object for a cluster (status included). */
export function nodeFor(info: ClusterInfo, existing?: StoredObject): StoredObject {
  const name = `${info.name}-node`;
  const configured = `${info.region}/${info.zone}`;
  const keepUserLocality = existing?.metadata.annotations?.[CONFIGURED_LOCALITY] === configured;
  const locality = {
    'topology.kubernetes.io/region': info.region,
    'topology.kubernetes.io/zone': info.zone,
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      ...(existing?.metadata ?? {}),
      name,
      labels: {
        ...(keepUserLocality ? locality : {}),
        ...(existing?.metadata.labels ?? {}),
        ...(keepUserLocality ? {} : locality),
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
      },
      annotations: { ...(existing?.metadata.annotations ?? {}), [CONFIGURED_LOCALITY]: configured },
    },
    spec: {},
    status: {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'meshbridge pod runner is ready' },
      ],
      addresses: [
        { type: 'InternalIP', address: `127.${info.block}.0.1` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { kubeletVersion: 'v1.32.0-meshbridge', operatingSystem: 'linux', architecture: process.arch },
      // The host's: pods are processes sharing it (`kubectl top node` divides usage by these).
      capacity: hostResources(),
      allocatable: hostResources(),
    },
  };
}

function hostResources(): Record<string, string> {
  return { cpu: String(availableParallelism()), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110' };
}

/** Creates or corrects the Node; returns it. */
export function reconcileNode(store: ClusterStore, info: ClusterInfo): StoredObject {
  const existing = store.get(NODES, undefined, `${info.name}-node`);
  const desired = nodeFor(info, existing);
  if (!existing) return store.create(NODES, desired);
  if (
    same(existing.metadata.labels, desired.metadata.labels) &&
    same(existing.metadata.annotations, desired.metadata.annotations) &&
    same(existing.status, desired.status)
  )
    return existing;
  return store.update(NODES, desired);
}
