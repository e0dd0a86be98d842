/**
 * meshbridge's FailoverPolicy (`failover.meshbridge.io/v1alpha1`), a management-plane kind under a workspace, in
 * the spirit of TSB's per-service traffic settings: how one service fails over and fails back. The federation
 * turns it into the DestinationRule it writes for the service in every client cluster (docs/failover-policy.md
 * says which parts real Istio honours).
 */
import { z } from 'zod';
import { duration } from '../../schema/common.js';
import { tsbWorkspaceMetaSchema } from '../../schema/meta.js';
import { apiVersionSchema } from '../../schema/object.js';
import {
  failbackDurationError,
  failoverOrderEntryError,
  MAX_FAILOVER_ORDER,
  minHealthyPercentError,
} from '../../failover-policy.js';

/** `failover.meshbridge.io/v1alpha1`. */
export const failoverApiVersion = apiVersionSchema('failover.meshbridge.io', ['v1alpha1']);

const failbackDuration = duration.superRefine((text, ctx) => {
  const problem = failbackDurationError(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A service as `namespace/name`, e.g. `bookinfo/details`. */
export const serviceRefSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: 'expected namespace/name, e.g. bookinfo/details',
  });

/** Schema of a FailoverPolicy. */
export const failoverPolicySchema = z.strictObject({
  apiVersion: failoverApiVersion,
  kind: z.literal('FailoverPolicy'),
  metadata: tsbWorkspaceMetaSchema,
  spec: z.strictObject({
    displayName: z.string().optional(),
    description: z.string().optional(),
    /** The service, `namespace/name`, in a namespace the workspace spans. */
    service: serviceRefSchema,
    /**
     * Ordered labels to prefer endpoints by (Istio's `failoverPriority`; replaces the WorkspaceSetting's for this
     * service).
     */
    failoverPriority: z.array(z.string().min(1).max(317)).max(16).optional(),
    /**
     * Where to fail over to, in order, after the client's own cluster: `cluster=NAME` or
     * `locality=REGION[/ZONE[/SUBZONE]]`; what matches no entry comes last (meshbridge's; Istio has no equivalent).
     */
    failoverOrder: z
      .array(
        z.string().superRefine((entry, ctx) => {
          const problem = failoverOrderEntryError(entry);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .max(MAX_FAILOVER_ORDER)
      .optional(),
    /** Below this share of healthy endpoints a locality starts failing over part of its load (Envoy: 72). */
    minHealthyPercent: z
      .number()
      .superRefine((n, ctx) => {
        const problem = minHealthyPercentError(n);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** How long a returning endpoint must stay available before it takes traffic back. */
    failbackDelay: failbackDuration.optional(),
    /** Over how long a returning endpoint's share of the load grows back to all of it. */
    failbackRamp: failbackDuration.optional(),
  }),
});

/** A FailoverPolicy. */
export type FailoverPolicy = z.infer<typeof failoverPolicySchema>;
