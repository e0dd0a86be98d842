/**
 * Deployment controller: a Deployment owns one ReplicaSet per pod template it has had (named
 * `<deployment>-<template hash>`, labelled `pod-template-hash`, annotated `deployment.kubernetes.io/revision`), and
 * the ReplicaSet controller (replica-sets.ts) keeps each one's pods. Rolling to a new template scales the new
 * ReplicaSet up first and the old ones to zero once the new one has `replicas` ready pods, so no capacity is lost
 * (maxUnavailable 0). Old ReplicaSets stay at zero as the rollout history (`kubectl rollout history`), up to
 * `revisionHistoryLimit` (default 10); returning to an old template (`kubectl rollout undo`) scales its ReplicaSet
 * up again under a new revision number. The Deployment's status counts the pods of all its ReplicaSets.
 * `planDeployment` is pure; `reconcileDeployments` applies the plans.
 */
import { createHash } from 'node:crypto';
import type { EventSink } from '../events/recorder.js';
import { regardingOf } from '../events/recorder.js';
import { canonicalJson } from '../../api/canonical-json.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { DEPLOYMENTS, PODS, podReady, rec, same, strMap, type Rec } from './refs.js';
import { ownerRefTo, REPLICA_SETS, SAFE_ALPHABET, TEMPLATE_HASH_LABEL } from './replica-sets.js';

/** Annotation carrying the revision on a Deployment and its ReplicaSets. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Annotation `kubectl rollout history` prints as CHANGE-CAUSE (copied from the Deployment to its ReplicaSet). */
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const DEFAULT_HISTORY_LIMIT = 10;

/**
 * The template hash label value (10 characters from the safe alphabet). Empty objects and lists do not count:
 * Kubernetes hashes the decoded template, where `resources: {}` and no `resources` are the same, and clients that
 * round-trip a template through typed structs (`kubectl rollout undo`) add such empty values.
 */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256')
    .update(canonicalJson(withoutEmpty(template) ?? {}))
    .digest();
  return [...digest.subarray(0, 10)].map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join('');
}

/** Pure: the value without empty objects and lists (recursively); undefined when nothing is left of it. */
function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withoutEmpty).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, withoutEmpty(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

/** A ReplicaSet's revision (0 when unset). */
export function revisionOf(rs: StoredObject): number {
  const n = Number(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** What to do for one Deployment. */
export interface DeploymentPlan {
  /** ReplicaSets to create. */
  readonly create: StoredObject[];
  /** ReplicaSets to update (replicas, revision), as whole objects. */
  readonly update: StoredObject[];
  /** ReplicaSets to delete (beyond the history limit), by name. */
  readonly delete: string[];
  readonly status: Rec;
  /** The revision of the current template (annotated on the Deployment). */
  readonly revision: number;
}

/** Inputs of the plan: the deployment, the ReplicaSets it controls, and their pods. */
export interface DeploymentInput {
  readonly deployment: StoredObject;
  readonly replicaSets: readonly StoredObject[];
  readonly pods: readonly StoredObject[];
}

const replicasOf = (o: StoredObject): number => {
  const r = rec(o.spec).replicas;
  return typeof r === 'number' ? r : 1;
};

/** Pure: the ReplicaSets to create, scale and delete, and the Deployment status to report. */
export function planDeployment(input: DeploymentInput): DeploymentPlan {
  const { deployment, replicaSets, pods } = input;
  const spec = rec(deployment.spec);
  const replicas = replicasOf(deployment);
  const template = rec(spec.template);
  const hash = templateHash(template);
  const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));
  const current = replicaSets.find((rs) => rs.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash);
  const old = replicaSets.filter((rs) => rs !== current);
  const podsOf = (rs: StoredObject): StoredObject[] =>
    pods.filter((p) => p.metadata.ownerReferences?.some((o) => o.uid === rs.metadata.uid));
  const create: StoredObject[] = [];
  const update: StoredObject[] = [];
  let revision: number;
  if (!current) {
    revision = maxRevision + 1;
    create.push(newReplicaSet(deployment, template, hash, replicas, revision));
  } else {
    // The current template's ReplicaSet is the newest revision; an old one coming back (undo) gets a new number.
    revision = revisionOf(current) === maxRevision && maxRevision > 0 ? maxRevision : maxRevision + 1;
    const annotations: Record<string, string> = {
      ...(current.metadata.annotations ?? {}),
      [REVISION_ANNOTATION]: String(revision),
    };
    const cause = deployment.metadata.annotations?.[CHANGE_CAUSE];
    if (cause !== undefined) annotations[CHANGE_CAUSE] = cause;
    if (replicasOf(current) !== replicas || !same(current.metadata.annotations, annotations)) {
      update.push({
        ...current,
        metadata: { ...current.metadata, annotations },
        spec: { ...rec(current.spec), replicas },
      });
    }
  }
  const readyNew = current ? podsOf(current).filter(podReady).length : 0;
  // Old ReplicaSets keep their pods until the new one can carry the whole load (maxUnavailable 0).
  const retire = replicas === 0 || readyNew >= replicas;
  for (const rs of old) {
    if (retire && replicasOf(rs) !== 0) update.push({ ...rs, spec: { ...rec(rs.spec), replicas: 0 } });
  }
  const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : DEFAULT_HISTORY_LIMIT;
  const idle = old
    .filter((rs) => replicasOf(rs) === 0 && podsOf(rs).length === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  const del = idle.slice(0, Math.max(0, idle.length - limit)).map((rs) => rs.metadata.name);
  const all = replicaSets.flatMap(podsOf).filter((p) => !p.metadata.deletionTimestamp);
  const ready = all.filter(podReady).length;
  const updated = current ? podsOf(current).length : 0;
  const status: Rec = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: all.length,
    updatedReplicas: Math.min(updated, replicas),
    readyReplicas: ready,
    availableReplicas: ready,
    unavailableReplicas: Math.max(0, replicas - ready),
    conditions: [
      {
        type: 'Available',
        status: ready >= replicas ? 'True' : 'False',
        reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        message:
          ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      },
    ],
  };
  return { create, update, delete: del, status, revision };
}

function newReplicaSet(
  deployment: StoredObject,
  template: Rec,
  hash: string,
  replicas: number,
  revision: number,
): StoredObject {
  const meta = rec(template.metadata);
  const labels = { ...strMap(meta.labels), [TEMPLATE_HASH_LABEL]: hash };
  const cause = deployment.metadata.annotations?.[CHANGE_CAUSE];
  const selector = rec(rec(deployment.spec).selector);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels,
      annotations: {
        [REVISION_ANNOTATION]: String(revision),
        ...(cause !== undefined ? { [CHANGE_CAUSE]: cause } : {}),
      },
      ownerReferences: [ownerRefTo(deployment)],
    },
    spec: {
      replicas,
      selector: { ...selector, matchLabels: { ...strMap(selector.matchLabels), [TEMPLATE_HASH_LABEL]: hash } },
      template: { ...template, metadata: { ...meta, labels } },
    },
  };
}

/** Applies every Deployment's plan; skips writes that would change nothing; records scaling as Events. */
export function reconcileDeployments(store: ClusterStore, events: EventSink): void {
  const pods = store.list(PODS);
  const replicaSets = store.list(REPLICA_SETS);
  for (const deployment of store.list(DEPLOYMENTS)) {
    const owned = replicaSets.filter(
      (rs) =>
        rs.metadata.namespace === deployment.metadata.namespace &&
        rs.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid),
    );
    const plan = planDeployment({ deployment, replicaSets: owned, pods });
    const revision = String(plan.revision);
    const annotated = deployment.metadata.annotations?.[REVISION_ANNOTATION] === revision;
    const idle = plan.create.length === 0 && plan.update.length === 0 && plan.delete.length === 0;
    if (idle && annotated && same(deployment.status, plan.status)) continue;
    const ns = deployment.metadata.namespace;
    const scaled: { name: string; from: number; to: number }[] = [];
    store.transaction((w) => {
      for (const rs of plan.create) {
        w.create(REPLICA_SETS, rs);
        scaled.push({ name: rs.metadata.name, from: 0, to: replicasOf(rs) });
      }
      for (const rs of plan.update) {
        const current = w.get(REPLICA_SETS, ns, rs.metadata.name);
        if (!current) continue;
        w.update(REPLICA_SETS, {
          ...rs,
          metadata: { ...rs.metadata, resourceVersion: current.metadata.resourceVersion },
        });
        if (replicasOf(current) !== replicasOf(rs))
          scaled.push({ name: rs.metadata.name, from: replicasOf(current), to: replicasOf(rs) });
      }
      for (const name of plan.delete) if (w.get(REPLICA_SETS, ns, name)) w.delete(REPLICA_SETS, ns, name);
      const current = w.get(DEPLOYMENTS, ns, deployment.metadata.name);
      if (!current) return;
      const annotations = { ...(current.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
      if (!same(current.status, plan.status) || !same(current.metadata.annotations, annotations)) {
        w.update(DEPLOYMENTS, { ...current, metadata: { ...current.metadata, annotations }, status: plan.status });
      }
    });
    for (const s of scaled) {
      if (s.from === s.to) continue;
      events.record({
        regarding: regardingOf(deployment),
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled ${s.to > s.from ? 'up' : 'down'} replica set ${s.name} from ${s.from} to ${s.to}`,
        component: 'deployment-controller',
      });
    }
  }
}
