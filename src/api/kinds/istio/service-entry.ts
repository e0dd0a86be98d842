/**
 * Istio ServiceEntry (`networking.istio.io/v1`): adds a service to the mesh's registry. meshbridge writes one for a
 * service that runs only in a remote cluster.
 */
import { z } from 'zod';
import { portNumber, stringMap } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { istioApiVersion, istioStatus } from './common.js';
import { workloadEntrySpecSchema } from './workload-entry.js';

/** A ServiceEntry port. */
export const serviceEntryPortSchema = z.strictObject({
  number: portNumber,
  protocol: z.string().optional(),
  name: z.string().min(1),
  targetPort: portNumber.optional(),
});

/** Schema of a ServiceEntry's spec. */
export const serviceEntrySpecSchema = z.strictObject({
  hosts: z.array(z.string().min(1)).min(1),
  addresses: z.array(z.string()).optional(),
  ports: z.array(serviceEntryPortSchema).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN']).optional(),
  endpoints: z.array(workloadEntrySpecSchema).optional(),
  workloadSelector: z.strictObject({ labels: stringMap.optional() }).optional(),
  exportTo: z.array(z.string()).optional(),
  subjectAltNames: z.array(z.string()).optional(),
});

/** Schema of a ServiceEntry. */
export const serviceEntrySchema = z.strictObject({
  apiVersion: istioApiVersion,
  kind: z.literal('ServiceEntry'),
  metadata: objectMetaSchema,
  spec: serviceEntrySpecSchema,
  status: istioStatus,
});

/** An Istio ServiceEntry. */
export type ServiceEntry = z.infer<typeof serviceEntrySchema>;
