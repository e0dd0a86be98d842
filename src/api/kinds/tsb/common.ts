/** Pieces shared by the management-plane (TSB) kinds. */
import { z } from 'zod';
import { apiVersionSchema } from '../../schema/object.js';

/** `api.tsb.tetrate.io/v2`. */
export const tsbApiVersion = apiVersionSchema('api.tsb.tetrate.io', ['v2']);

/** `displayName` and `description`, which tctl accepts in the spec as well as in metadata. */
export const tsbDescriptive = {
  displayName: z.string().optional(),
  description: z.string().optional(),
};
