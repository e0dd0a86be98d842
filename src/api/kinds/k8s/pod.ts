/** Kubernetes Pod (`v1`) with the status the pod runner writes (phase, IPs, conditions, container statuses). */
import { z } from 'zod';
import { condition, looseRecord, timestamp } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';
import { podSpecSchema } from './pod-spec.js';

const ip = z.strictObject({ ip: z.string() });

/** Schema of a Pod's status. Container statuses are open records: their state trees are deep and server-owned. */
export const podStatusSchema = z.strictObject({
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']).optional(),
  conditions: z.array(condition).optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  nominatedNodeName: z.string().optional(),
  hostIP: z.string().optional(),
  hostIPs: z.array(ip).optional(),
  podIP: z.string().optional(),
  podIPs: z.array(ip).optional(),
  startTime: timestamp.optional(),
  initContainerStatuses: z.array(looseRecord).optional(),
  containerStatuses: z.array(looseRecord).optional(),
  ephemeralContainerStatuses: z.array(looseRecord).optional(),
  qosClass: z.enum(['Guaranteed', 'Burstable', 'BestEffort']).optional(),
  resize: z.string().optional(),
  resourceClaimStatuses: z.array(looseRecord).optional(),
  observedGeneration: z.int().optional(),
});

/** Schema of a Pod. */
export const podSchema = z.strictObject({
  ...kubeHeader('Pod', apiVersionSchema('', ['v1'])),
  spec: podSpecSchema,
  status: podStatusSchema.optional(),
});

/** A Kubernetes Pod. */
export type Pod = z.infer<typeof podSchema>;
/** The status of a Pod. */
export type PodStatus = z.infer<typeof podStatusSchema>;
