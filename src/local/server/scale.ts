/**
 * The Deployment `scale` subresource (`autoscaling/v1` Scale), used by `kubectl scale`: reads and writes
 * `spec.replicas` of the Deployment and reports `status.replicas` and the selector.
 */
import type { StoredObject } from '../store/types.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : {});

/** The Scale view of a Deployment. */
export function scaleOf(deploy: StoredObject): StoredObject {
  const spec = rec(deploy.spec);
  const matchLabels = rec(rec(spec.selector).matchLabels);
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: deploy.metadata.name,
      namespace: deploy.metadata.namespace,
      uid: deploy.metadata.uid,
      resourceVersion: deploy.metadata.resourceVersion,
      creationTimestamp: deploy.metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 1 },
    status: {
      replicas: typeof rec(deploy.status).replicas === 'number' ? rec(deploy.status).replicas : 0,
      selector: Object.entries(matchLabels)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(','),
    },
  };
}

/** The Deployment with the replicas of a (patched or submitted) Scale, or a message when the Scale is unusable. */
export function withScale(deploy: StoredObject, scale: unknown): StoredObject | string {
  const replicas = rec(rec(scale).spec).replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    return 'spec.replicas: must be a non-negative integer';
  }
  const rv = rec(rec(scale).metadata).resourceVersion;
  return {
    ...deploy,
    metadata: { ...deploy.metadata, ...(typeof rv === 'string' && rv !== '' ? { resourceVersion: rv } : {}) },
    spec: { ...rec(deploy.spec), replicas },
  };
}
