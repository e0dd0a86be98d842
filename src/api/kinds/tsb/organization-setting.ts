/**
 * TSB OrganizationSetting: organization-wide settings. `networkSettings.networkReachability` maps a network to the
 * comma-separated networks its clients may reach (directed edges).
 */
import { z } from 'zod';
import { looseRecord } from '../../schema/common.js';
import { tsbOrgMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** `"net-a,net-b"`: one or more network names separated by commas (spaces allowed around them). */
export const networkListSchema = z
  .string()
  .regex(/^\s*[A-Za-z0-9][-A-Za-z0-9_.]*\s*(,\s*[A-Za-z0-9][-A-Za-z0-9_.]*\s*)*$/, {
    error: 'expected comma-separated network names, e.g. "cluster-2-network,cluster-3-network"',
  });

/** Schema of an OrganizationSetting. */
export const organizationSettingSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('OrganizationSetting'),
  metadata: tsbOrgMetaSchema,
  spec: z
    .strictObject({
      ...tsbDescriptive,
      networkSettings: z
        .strictObject({ networkReachability: z.record(z.string(), networkListSchema).optional() })
        .optional(),
      defaultSecuritySetting: looseRecord.optional(),
      defaultTrafficSetting: looseRecord.optional(),
    })
    .optional(),
});

/** A TSB OrganizationSetting. */
export type OrganizationSetting = z.infer<typeof organizationSettingSchema>;
