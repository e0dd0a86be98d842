/** Kubernetes ServiceAccount (`v1`): the workload identity behind SPIFFE IDs. */
import { z } from 'zod';
import { localObjectReference, objectReference } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** Schema of a ServiceAccount. */
export const serviceAccountSchema = z.strictObject({
  ...kubeHeader('ServiceAccount', apiVersionSchema('', ['v1'])),
  secrets: z.array(objectReference).optional(),
  imagePullSecrets: z.array(localObjectReference).optional(),
  automountServiceAccountToken: z.boolean().optional(),
});

/** A Kubernetes ServiceAccount. */
export type ServiceAccount = z.infer<typeof serviceAccountSchema>;
