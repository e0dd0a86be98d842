/** Kubernetes Namespace (`v1`). The `istio-injection=enabled` label turns on sidecars for its pods. */
import { z } from 'zod';
import { condition, dnsLabel } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** Schema of a Namespace. */
export const namespaceSchema = z.strictObject({
  ...kubeHeader('Namespace', apiVersionSchema('', ['v1']), dnsLabel),
  spec: z.strictObject({ finalizers: z.array(z.string()).optional() }).optional(),
  status: z
    .strictObject({ phase: z.enum(['Active', 'Terminating']).optional(), conditions: z.array(condition).optional() })
    .optional(),
});

/** A Kubernetes Namespace. */
export type Namespace = z.infer<typeof namespaceSchema>;
