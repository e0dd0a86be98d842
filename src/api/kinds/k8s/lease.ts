/**
 * Kubernetes Lease (`coordination.k8s.io/v1`): who holds a named lock and until when. The production controller's
 * leader election writes one in the management cluster; the local clusters serve the kind so that election runs
 * against them in the tests as it would against a real API server.
 */
import { z } from 'zod';
import { int32 } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** RFC 3339 with up to microseconds, as Kubernetes writes MicroTime. */
const microTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/);

/** Schema of a Lease. */
export const leaseSchema = z.strictObject({
  ...kubeHeader('Lease', apiVersionSchema('coordination.k8s.io', ['v1'])),
  spec: z
    .strictObject({
      holderIdentity: z.string().max(253).optional(),
      leaseDurationSeconds: int32.min(1).optional(),
      acquireTime: microTime.optional(),
      renewTime: microTime.optional(),
      leaseTransitions: int32.min(0).optional(),
      preferredHolder: z.string().optional(),
      strategy: z.string().optional(),
    })
    .optional(),
});

/** A Kubernetes Lease. */
export type Lease = z.infer<typeof leaseSchema>;
