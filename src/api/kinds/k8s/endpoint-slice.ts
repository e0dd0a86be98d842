/** Kubernetes EndpointSlice (`discovery.k8s.io/v1`): a Service's endpoints with their conditions, beside Endpoints. */
import { z } from 'zod';
import { int32, objectReference, stringMap } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** One endpoint of a slice. */
export const sliceEndpointSchema = z.strictObject({
  addresses: z.array(z.string()).min(1).max(100),
  conditions: z
    .strictObject({
      ready: z.boolean().optional(),
      serving: z.boolean().optional(),
      terminating: z.boolean().optional(),
    })
    .optional(),
  hostname: z.string().optional(),
  targetRef: objectReference.optional(),
  deprecatedTopology: stringMap.optional(),
  nodeName: z.string().optional(),
  zone: z.string().optional(),
  hints: z
    .strictObject({
      forZones: z.array(z.strictObject({ name: z.string() })).optional(),
      forNodes: z.array(z.strictObject({ name: z.string() })).optional(),
    })
    .optional(),
});

/** Schema of an EndpointSlice. */
export const endpointSliceSchema = z.strictObject({
  ...kubeHeader('EndpointSlice', apiVersionSchema('discovery.k8s.io', ['v1'])),
  addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
  endpoints: z.array(sliceEndpointSchema).max(1000).optional(),
  ports: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        port: int32.optional(),
        protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
        appProtocol: z.string().optional(),
      }),
    )
    .optional(),
});

/** A Kubernetes EndpointSlice. */
export type EndpointSlice = z.infer<typeof endpointSliceSchema>;
