/** Kubernetes ReplicaSet (`apps/v1`): the pods of one pod template of a Deployment (its revision). */
import { z } from 'zod';
import { condition, int32, labelSelector } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';
import { podTemplateSchema } from './deployment.js';

/** Schema of a ReplicaSet's spec. */
export const replicaSetSpecSchema = z.strictObject({
  replicas: int32.min(0).optional(),
  minReadySeconds: int32.min(0).optional(),
  selector: labelSelector,
  template: podTemplateSchema.optional(),
});

/** Schema of a ReplicaSet's status. */
export const replicaSetStatusSchema = z.strictObject({
  replicas: int32.min(0),
  fullyLabeledReplicas: int32.optional(),
  readyReplicas: int32.optional(),
  availableReplicas: int32.optional(),
  terminatingReplicas: int32.optional(),
  observedGeneration: z.int().optional(),
  conditions: z.array(condition).optional(),
});

/** Schema of a ReplicaSet. */
export const replicaSetSchema = z.strictObject({
  ...kubeHeader('ReplicaSet', apiVersionSchema('apps', ['v1'])),
  spec: replicaSetSpecSchema,
  status: replicaSetStatusSchema.optional(),
});

/** A Kubernetes ReplicaSet. */
export type ReplicaSet = z.infer<typeof replicaSetSchema>;
