/** Kubernetes Deployment (`apps/v1`) with its pod template and the status the controller reports. */
import { z } from 'zod';
import { condition, int32, intOrString, labelSelector } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';
import { podSpecSchema } from './pod-spec.js';

/** A pod template: metadata (labels, annotations) and a PodSpec. */
export const podTemplateSchema = z.strictObject({
  metadata: objectMetaSchema.optional(),
  spec: podSpecSchema,
});

/** Schema of a Deployment's spec. */
export const deploymentSpecSchema = z.strictObject({
  replicas: int32.min(0).optional(),
  selector: labelSelector,
  template: podTemplateSchema,
  strategy: z
    .strictObject({
      type: z.enum(['Recreate', 'RollingUpdate']).optional(),
      rollingUpdate: z
        .strictObject({ maxUnavailable: intOrString.optional(), maxSurge: intOrString.optional() })
        .optional(),
    })
    .optional(),
  minReadySeconds: int32.min(0).optional(),
  revisionHistoryLimit: int32.min(0).optional(),
  paused: z.boolean().optional(),
  progressDeadlineSeconds: int32.min(0).optional(),
});

/** Schema of a Deployment's status. */
export const deploymentStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  replicas: int32.optional(),
  updatedReplicas: int32.optional(),
  readyReplicas: int32.optional(),
  availableReplicas: int32.optional(),
  unavailableReplicas: int32.optional(),
  terminatingReplicas: int32.optional(),
  conditions: z.array(condition).optional(),
  collisionCount: int32.optional(),
});

/** Schema of a Deployment. */
export const deploymentSchema = z.strictObject({
  ...kubeHeader('Deployment', apiVersionSchema('apps', ['v1'])),
  spec: deploymentSpecSchema,
  status: deploymentStatusSchema.optional(),
});

/** A Kubernetes Deployment. */
export type Deployment = z.infer<typeof deploymentSchema>;
/** A pod template. */
export type PodTemplate = z.infer<typeof podTemplateSchema>;
