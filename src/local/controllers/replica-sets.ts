/**
 * ReplicaSet controller: keeps `spec.replicas` pods of each ReplicaSet's template, named `<replicaset>-<5 random>`
 * and owned by it (controller owner reference), on the cluster's node, and writes the ReplicaSet's status. Scaling
 * down removes not-ready pods first, then the newest. A pod of the ReplicaSet's template hash that its Deployment
 * owns directly (clusters created before ReplicaSets existed) is adopted, not replaced. Pods inherit the node's
 * locality labels unless their template sets them. `planReplicaSet` is pure; `reconcileReplicaSets` applies.
 */
import { randomInt } from 'node:crypto';
import type { EventSink } from '../events/recorder.js';
import { regardingOf } from '../events/recorder.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { ResourceRef, StoredObject } from '../store/types.js';
import { PODS, podReady, rec, same, strMap, type Rec } from './refs.js';

/** Storage of ReplicaSets. */
export const REPLICA_SETS: ResourceRef = { group: 'apps', plural: 'replicasets' };
/** Label carrying the template hash on ReplicaSets and their pods. */
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

// Kubernetes' rand.SafeEncodeString alphabet: no vowels or look-alikes, so generated names never spell words.
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random safe characters (pod name suffix). */
export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => SAFE_ALPHABET[randomInt(SAFE_ALPHABET.length)]).join('');
}

const LOCALITY_KEYS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] as const;

/** What to do for one ReplicaSet. */
export interface ReplicaSetPlan {
  readonly create: StoredObject[];
  readonly delete: string[];
  /** Pods to take over (their controller reference becomes the ReplicaSet). */
  readonly adopt: string[];
  readonly status: Rec;
}

/** Inputs of the plan: the ReplicaSet, the pods it owns or may adopt, the node pods are placed on. */
export interface ReplicaSetInput {
  readonly replicaSet: StoredObject;
  /** Pods the ReplicaSet controls. */
  readonly pods: readonly StoredObject[];
  /** Pods of its template hash controlled by its Deployment directly (adopted). */
  readonly orphans?: readonly StoredObject[];
  readonly node: StoredObject | undefined;
  readonly suffix?: () => string;
}

/** Pure: the pods to create, delete and adopt, and the status to report. */
export function planReplicaSet(input: ReplicaSetInput): ReplicaSetPlan {
  const { replicaSet, node } = input;
  const spec = rec(replicaSet.spec);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const adopt = (input.orphans ?? []).map((p) => p.metadata.name);
  const pods = [...input.pods, ...(input.orphans ?? [])].filter((p) => !p.metadata.deletionTimestamp);
  const suffix = input.suffix ?? randomSuffix;
  const create: StoredObject[] = [];
  for (let i = pods.length; i < replicas; i++) create.push(newPod(replicaSet, node, suffix()));
  const del: string[] = [];
  if (pods.length > replicas) {
    const order = [...pods].sort(
      (a, b) =>
        Number(podReady(a)) - Number(podReady(b)) ||
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
        b.metadata.name.localeCompare(a.metadata.name),
    );
    del.push(...order.slice(0, pods.length - replicas).map((p) => p.metadata.name));
  }
  const kept = pods.filter((p) => !del.includes(p.metadata.name));
  const ready = kept.filter(podReady).length;
  const status: Rec = {
    replicas: kept.length + create.length,
    fullyLabeledReplicas: kept.length + create.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: replicaSet.metadata.generation ?? 1,
  };
  return { create, delete: del, adopt: adopt.filter((n) => !del.includes(n)), status };
}

/** The controller owner reference naming a ReplicaSet. */
export function ownerRefTo(obj: StoredObject): NonNullable<StoredObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    uid: obj.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function newPod(rs: StoredObject, node: StoredObject | undefined, suffix: string): StoredObject {
  const template = rec(rec(rs.spec).template);
  const meta = rec(template.metadata);
  const labels: Record<string, string> = { ...strMap(meta.labels) };
  const nodeLabels = node?.metadata.labels ?? {};
  for (const key of LOCALITY_KEYS) {
    const v = nodeLabels[key];
    if (v !== undefined && labels[key] === undefined) labels[key] = v;
  }
  const annotations = strMap(meta.annotations);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs.metadata.name}-${suffix}`,
      namespace: rs.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [ownerRefTo(rs)],
    },
    spec: { ...rec(template.spec), ...(node ? { nodeName: node.metadata.name } : {}) },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

/**
 * Pure: the labels a pod should carry so its inherited locality follows its node's (after a relabel of the node),
 * or undefined when nothing changes. Keys the pod template sets itself are left alone.
 */
export function inheritedLocality(
  pod: StoredObject,
  node: StoredObject,
  templateLabels: Record<string, string>,
): Record<string, string> | undefined {
  const labels = { ...(pod.metadata.labels ?? {}) };
  let changed = false;
  for (const key of LOCALITY_KEYS) {
    const want = node.metadata.labels?.[key];
    if (want === undefined || templateLabels[key] !== undefined || labels[key] === want) continue;
    labels[key] = want;
    changed = true;
  }
  return changed ? labels : undefined;
}

const controls = (owner: StoredObject, obj: StoredObject): boolean =>
  obj.metadata.namespace === owner.metadata.namespace &&
  (obj.metadata.ownerReferences ?? []).some((o) => o.uid === owner.metadata.uid && o.controller !== false);

/** Applies every ReplicaSet's plan; skips writes that would change nothing; records what it did as Events. */
export function reconcileReplicaSets(store: ClusterStore, node: StoredObject | undefined, events: EventSink): void {
  const pods = store.list(PODS);
  for (const rs of store.list(REPLICA_SETS)) {
    const owned = pods.filter((p) => controls(rs, p));
    const hash = rs.metadata.labels?.[TEMPLATE_HASH_LABEL];
    const deploymentUid = rs.metadata.ownerReferences?.find((o) => o.kind === 'Deployment')?.uid;
    const orphans = pods.filter(
      (p) =>
        hash !== undefined &&
        deploymentUid !== undefined &&
        p.metadata.namespace === rs.metadata.namespace &&
        p.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash &&
        (p.metadata.ownerReferences ?? []).some((o) => o.uid === deploymentUid && o.kind === 'Deployment'),
    );
    const templateLabels = strMap(rec(rec(rec(rs.spec).template).metadata).labels);
    if (node) {
      for (const pod of owned) {
        const labels = inheritedLocality(pod, node, templateLabels);
        if (!labels) continue;
        store.transaction((w) => {
          const current = w.get(PODS, pod.metadata.namespace, pod.metadata.name);
          if (current) w.update(PODS, { ...current, metadata: { ...current.metadata, labels } });
        });
      }
    }
    const plan = planReplicaSet({ replicaSet: rs, pods: owned, orphans, node });
    const nothing = plan.create.length === 0 && plan.delete.length === 0 && plan.adopt.length === 0;
    if (nothing && same(rs.status, plan.status)) continue;
    const ns = rs.metadata.namespace;
    const created: StoredObject[] = [];
    const deleted: StoredObject[] = [];
    store.transaction((w) => {
      for (const pod of plan.create) created.push(w.create(PODS, pod));
      for (const name of plan.delete) {
        const current = w.get(PODS, ns, name);
        if (current) deleted.push(w.delete(PODS, ns, name));
      }
      for (const name of plan.adopt) {
        const current = w.get(PODS, ns, name);
        if (current)
          w.update(PODS, { ...current, metadata: { ...current.metadata, ownerReferences: [ownerRefTo(rs)] } });
      }
      const current = w.get(REPLICA_SETS, ns, rs.metadata.name);
      if (current && !same(current.status, plan.status)) w.update(REPLICA_SETS, { ...current, status: plan.status });
    });
    const host = node?.metadata.name;
    for (const pod of created) {
      events.record({
        regarding: regardingOf(rs),
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${pod.metadata.name}`,
        component: 'replicaset-controller',
      });
      events.record({
        regarding: regardingOf(pod),
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${ns ?? 'default'}/${pod.metadata.name} to ${host ?? 'no node'}`,
        component: 'default-scheduler',
      });
    }
    for (const pod of deleted) {
      events.record({
        regarding: regardingOf(rs),
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${pod.metadata.name}`,
        component: 'replicaset-controller',
      });
    }
  }
}
