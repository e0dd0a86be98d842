/** TSB Organization: the root of the management-plane hierarchy. */
import { z } from 'zod';
import { tsbRootMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** Schema of an Organization. */
export const organizationSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('Organization'),
  metadata: tsbRootMetaSchema,
  spec: z.strictObject({ ...tsbDescriptive }).optional(),
});

/** A TSB Organization. */
export type Organization = z.infer<typeof organizationSchema>;
