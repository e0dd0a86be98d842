/**
 * Istio WorkloadEntry (`networking.istio.io/v1`): a non-Kubernetes endpoint of a service. meshbridge writes one
 * per East-West gateway address of a remote cluster, with `ports: {<service port name>: 15443}`.
 */
import { z } from 'zod';
import { portNumber, stringMap, uint32 } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { istioApiVersion, istioStatus } from './common.js';

/** The WorkloadEntry spec (also the shape of a ServiceEntry endpoint). */
export const workloadEntrySpecSchema = z.strictObject({
  /** IP address or DNS name (or a `unix://` socket) of the endpoint. */
  address: z.string().max(256).optional(),
  /** Port name -> port number on the endpoint. */
  ports: z.record(z.string(), portNumber).optional(),
  labels: stringMap.optional(),
  network: z.string().optional(),
  /** `region/zone/subzone`. */
  locality: z.string().optional(),
  weight: uint32.optional(),
  serviceAccount: z.string().optional(),
});

/** Schema of a WorkloadEntry. */
export const workloadEntrySchema = z.strictObject({
  apiVersion: istioApiVersion,
  kind: z.literal('WorkloadEntry'),
  metadata: objectMetaSchema,
  spec: workloadEntrySpecSchema,
  status: istioStatus,
});

/** An Istio WorkloadEntry. */
export type WorkloadEntry = z.infer<typeof workloadEntrySchema>;
/** The spec of a WorkloadEntry. */
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpecSchema>;

/**
 * The type of the condition a WorkloadEntry's health is written as (Istio's workload-entry health checks; the
 * remote-service prober writes it too), on `status.conditions`.
 */
export const HEALTHY_CONDITION = 'Healthy';

/** A WorkloadEntry's `Healthy` condition, as far as its fields are strings. */
export interface HealthyConditionView {
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/**
 * The `Healthy` condition of a WorkloadEntry's `status`, or undefined when it has none: the one reader the mesh
 * (EDS health), the federation (explain) and the prober (its previous verdict) share. Tolerates any shape.
 */
export function healthyCondition(status: unknown): HealthyConditionView | undefined {
  const conditions = (status as { conditions?: unknown } | null | undefined)?.conditions;
  if (!Array.isArray(conditions)) return undefined;
  const found: unknown = conditions.find(
    (c: unknown) => typeof c === 'object' && c !== null && (c as { type?: unknown }).type === HEALTHY_CONDITION,
  );
  if (found === undefined) return undefined;
  const text = (k: string): string | undefined => {
    const v = (found as Record<string, unknown>)[k];
    return typeof v === 'string' ? v : undefined;
  };
  const view: { -readonly [K in keyof HealthyConditionView]: string } = {};
  for (const k of ['status', 'reason', 'message', 'lastTransitionTime'] as const) {
    const v = text(k);
    if (v !== undefined) view[k] = v;
  }
  return view;
}
