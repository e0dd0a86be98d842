/**
 * Deployment controller: keeps `spec.replicas` pods of the current pod template (pods are named
 * `<deployment>-<template hash>-<5 random>` and carry the `pod-template-hash` label, like a ReplicaSet's), rolls
 * to a new template by creating new pods first and removing old ones once enough new ones are ready, and writes
 * the Deployment's status. Pods inherit the node's locality labels unless their template sets them.
 * `planDeployment` is pure; `reconcileDeployments` applies the plans.
 */
import { createHash, randomInt } from 'node:crypto';
import { canonicalJson } from '../store/canonical.js';
import type { ClusterStore } from '../store/cluster-store.js';
import type { StoredObject } from '../store/types.js';
import { DEPLOYMENTS, PODS, podReady, rec, same, strMap, type Rec } from './refs.js';

// Kubernetes' rand.SafeEncodeString alphabet: no vowels or look-alikes, so generated names never spell words.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The template hash label value (10 characters from the safe alphabet). */
export function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(template)).digest();
  return [...digest.subarray(0, 10)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** Five random safe characters (pod name suffix). */
export function randomSuffix(): string {
  return Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** What to do for one Deployment. */
export interface DeploymentPlan {
  readonly create: StoredObject[];
  readonly delete: string[];
  readonly status: Rec;
}

/** Inputs of the plan: the deployment, the pods it owns, and the node pods are placed on. */
export interface DeploymentInput {
  readonly deployment: StoredObject;
  readonly pods: readonly StoredObject[];
  readonly node: StoredObject | undefined;
  readonly suffix?: () => string;
}

/** Pure: the pods to create and delete, and the status to report. */
export function planDeployment(input: DeploymentInput): DeploymentPlan {
  const { deployment, pods, node } = input;
  const spec = rec(deployment.spec);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const template = rec(spec.template);
  const hash = templateHash(template);
  const fresh = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash);
  const old = pods.filter((p) => p.metadata.labels?.['pod-template-hash'] !== hash);
  const create: StoredObject[] = [];
  const del: string[] = [];
  const suffix = input.suffix ?? randomSuffix;
  for (let i = fresh.length; i < replicas; i++) create.push(newPod(deployment, template, hash, node, suffix()));
  if (fresh.length > replicas) {
    // Scale down: not-ready pods go first, then the newest.
    const order = [...fresh].sort(
      (a, b) =>
        Number(podReady(a)) - Number(podReady(b)) ||
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') ||
        b.metadata.name.localeCompare(a.metadata.name),
    );
    del.push(...order.slice(0, fresh.length - replicas).map((p) => p.metadata.name));
  }
  const readyFresh = fresh.filter(podReady).length;
  if (old.length > 0 && (replicas === 0 || readyFresh >= replicas)) del.push(...old.map((p) => p.metadata.name));
  const kept = pods.filter((p) => !del.includes(p.metadata.name));
  const ready = kept.filter(podReady).length;
  const updated = Math.min(fresh.length + create.length, replicas);
  const status: Rec = {
    observedGeneration: deployment.metadata.generation ?? 1,
    replicas: kept.length + create.length,
    updatedReplicas: updated,
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
  return { create, delete: del, status };
}

function newPod(
  deployment: StoredObject,
  template: Rec,
  hash: string,
  node: StoredObject | undefined,
  suffix: string,
): StoredObject {
  const meta = rec(template.metadata);
  const labels: Record<string, string> = { ...strMap(meta.labels), 'pod-template-hash': hash };
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
      name: `${deployment.metadata.name}-${hash}-${suffix}`,
      namespace: deployment.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid: deployment.metadata.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...rec(template.spec), ...(node ? { nodeName: node.metadata.name } : {}) },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  };
}

const LOCALITY_KEYS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'] as const;

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

/** Applies every Deployment's plan; skips writes that would change nothing. */
export function reconcileDeployments(store: ClusterStore, node: StoredObject | undefined): void {
  const pods = store.list(PODS);
  for (const deployment of store.list(DEPLOYMENTS)) {
    const owned = pods.filter(
      (p) =>
        p.metadata.namespace === deployment.metadata.namespace &&
        p.metadata.ownerReferences?.some((o) => o.uid === deployment.metadata.uid),
    );
    const templateLabels = strMap(rec(rec(rec(deployment.spec).template).metadata).labels);
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
    const plan = planDeployment({ deployment, pods: owned, node });
    if (plan.create.length === 0 && plan.delete.length === 0 && same(deployment.status, plan.status)) continue;
    store.transaction((w) => {
      for (const pod of plan.create) w.create(PODS, pod);
      for (const name of plan.delete)
        if (w.get(PODS, deployment.metadata.namespace, name)) w.delete(PODS, deployment.metadata.namespace, name);
      const current = w.get(DEPLOYMENTS, deployment.metadata.namespace, deployment.metadata.name);
      if (current && !same(current.status, plan.status)) w.update(DEPLOYMENTS, { ...current, status: plan.status });
    });
  }
}
