/**
 * Kubernetes PodDisruptionBudget (`policy/v1`): how many of a set of pods a voluntary disruption (a drain) may
 * take down at once. The production install gives the management plane and the controller one each. Local clusters
 * store it so manifests apply as they are; they never drain nodes, so nothing evaluates it.
 */
import { z } from 'zod';
import { intOrString, labelSelector } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** Schema of a PodDisruptionBudget. */
export const podDisruptionBudgetSchema = z.strictObject({
  ...kubeHeader('PodDisruptionBudget', apiVersionSchema('policy', ['v1'])),
  spec: z
    .strictObject({
      minAvailable: intOrString.optional(),
      maxUnavailable: intOrString.optional(),
      selector: labelSelector.optional(),
      unhealthyPodEvictionPolicy: z.enum(['IfHealthyBudget', 'AlwaysAllow']).optional(),
    })
    .refine((s) => s.minAvailable === undefined || s.maxUnavailable === undefined, {
      error: 'minAvailable and maxUnavailable are exclusive: set one of them',
    }),
  status: z.record(z.string(), z.unknown()).optional(),
});

/** A Kubernetes PodDisruptionBudget. */
export type PodDisruptionBudget = z.infer<typeof podDisruptionBudgetSchema>;
