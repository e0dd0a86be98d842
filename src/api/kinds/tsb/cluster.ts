/**
 * TSB Cluster: a cluster registered with the organization: its network, locality, trust domain and (meshbridge's
 * addition) how to reach its Kubernetes API. `status` is written by the management plane only.
 */
import { z } from 'zod';
import { looseRecord } from '../../schema/common.js';
import { tsbOrgMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** Schema of a Cluster's spec. */
export const clusterSpecSchema = z.strictObject({
  ...tsbDescriptive,
  network: z.string().min(1).optional(),
  locality: z.strictObject({ region: z.string().min(1), zone: z.string().optional() }).optional(),
  trustDomain: z.string().min(1).optional(),
  tier1Cluster: z.boolean().optional(),
  kubeconfig: z.strictObject({ path: z.string().min(1), context: z.string().optional() }).optional(),
  tokenTtl: z.string().optional(),
  namespaceScope: looseRecord.optional(),
});

/** Schema of a Cluster. */
export const clusterSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('Cluster'),
  metadata: tsbOrgMetaSchema,
  spec: clusterSpecSchema,
  /** Read-only: services found, East-West gateway addresses, state. */
  status: looseRecord.optional(),
});

/** A TSB Cluster. */
export type Cluster = z.infer<typeof clusterSchema>;
