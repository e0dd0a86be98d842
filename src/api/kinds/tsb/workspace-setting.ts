/**
 * TSB WorkspaceSetting: per-workspace defaults. `defaultEastWestGatewaySettings` picks the East-West gateway that
 * exposes the workspace's services to other clusters (first matching item wins; no `exposedServices` exposes every
 * service), `failoverSettings` orders endpoint preference by labels.
 */
import { z } from 'zod';
import { looseRecord, stringMap } from '../../schema/common.js';
import { tsbWorkspaceMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** One East-West gateway setting. */
export const eastWestGatewaySettingSchema = z.strictObject({
  workloadSelector: z.strictObject({ namespace: z.string().min(1), labels: stringMap }),
  exposedServices: z.array(z.strictObject({ serviceLabels: stringMap })).optional(),
  configGenerationMetadata: z
    .strictObject({ labels: stringMap.optional(), annotations: stringMap.optional() })
    .optional(),
});

/** Failover preferences. */
export const failoverSettingsSchema = z.strictObject({
  enabled: z.boolean().optional(),
  failoverPriority: z.array(z.string().min(1)).optional(),
});

/** Schema of a WorkspaceSetting. */
export const workspaceSettingSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('WorkspaceSetting'),
  metadata: tsbWorkspaceMetaSchema,
  spec: z
    .strictObject({
      ...tsbDescriptive,
      defaultEastWestGatewaySettings: z.array(eastWestGatewaySettingSchema).optional(),
      failoverSettings: failoverSettingsSchema.optional(),
      defaultSecuritySetting: looseRecord.optional(),
      defaultTrafficSetting: looseRecord.optional(),
    })
    .optional(),
});

/** A TSB WorkspaceSetting. */
export type WorkspaceSetting = z.infer<typeof workspaceSettingSchema>;
/** One East-West gateway setting of a WorkspaceSetting. */
export type EastWestGatewaySetting = z.infer<typeof eastWestGatewaySettingSchema>;
