/**
 * meshbridge's FailoverDrill (`failover.meshbridge.io/v1alpha1`), a management-plane kind under a workspace: a
 * failover drill run on a schedule, the object form of `meshbridge drill start`. The federation controller drains
 * the service in the cluster for each run due (src/api/failover-drill.ts) and reports every run to the management
 * plane, which keeps it with its report (docs/failover-drills.md).
 */
import { z } from 'zod';
import { timestamp } from '../../schema/common.js';
import { tsbWorkspaceMetaSchema } from '../../schema/meta.js';
import { drillScheduleError, parseDrillDuration } from '../../failover-drill.js';
import { failoverApiVersion, serviceRefSchema } from './failover-policy.js';

/** Schema of a FailoverDrill. */
export const failoverDrillSchema = z.strictObject({
  apiVersion: failoverApiVersion,
  kind: z.literal('FailoverDrill'),
  metadata: tsbWorkspaceMetaSchema,
  spec: z
    .strictObject({
      displayName: z.string().optional(),
      description: z.string().optional(),
      /** The service, `namespace/name`, in a namespace the workspace spans. */
      service: serviceRefSchema,
      /** The cluster whose copy of the service is drained (its clients fail over to the other clusters). */
      cluster: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'expected a cluster name' }),
      /** How long each run drains it: `90s`, `5m`, `1m30s`; 1 s to 24 h. */
      duration: z.string().superRefine((text, ctx) => {
        try {
          parseDrillDuration(text);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
      /** Five cron fields, UTC (`0 3 * * 1`: Mondays at 03:00). */
      schedule: z
        .string()
        .superRefine((text, ctx) => {
          const problem = drillScheduleError(text);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      /** One run, at this time (RFC 3339). */
      startAt: timestamp.optional(),
      /** No run starts while true; a running one ends at the controller's next pass. */
      suspend: z.boolean().optional(),
    })
    .superRefine((spec, ctx) => {
      if ((spec.schedule === undefined) === (spec.startAt === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['schedule'],
          message: 'set exactly one of schedule (cron, UTC) and startAt (one run)',
        });
      }
    }),
});

/** A FailoverDrill. */
export type FailoverDrill = z.infer<typeof failoverDrillSchema>;
