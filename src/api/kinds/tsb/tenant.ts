/** TSB Tenant: a part of an organization (`metadata.organization` required). */
import { z } from 'zod';
import { tsbOrgMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** Schema of a Tenant. */
export const tenantSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('Tenant'),
  metadata: tsbOrgMetaSchema,
  spec: z.strictObject({ ...tsbDescriptive, securityDomain: z.string().optional() }).optional(),
});

/** A TSB Tenant. */
export type Tenant = z.infer<typeof tenantSchema>;
