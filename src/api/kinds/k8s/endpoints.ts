/** Kubernetes Endpoints (`v1`): a Service's ready and not-ready addresses, grouped in subsets. */
import { z } from 'zod';
import { objectReference, portNumber } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** One endpoint address. */
export const endpointAddressSchema = z.strictObject({
  ip: z.string(),
  hostname: z.string().optional(),
  nodeName: z.string().optional(),
  targetRef: objectReference.optional(),
});

/** One endpoint port. */
export const endpointPortSchema = z.strictObject({
  name: z.string().optional(),
  port: portNumber,
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  appProtocol: z.string().optional(),
});

/** Schema of Endpoints. */
export const endpointsSchema = z.strictObject({
  ...kubeHeader('Endpoints', apiVersionSchema('', ['v1'])),
  subsets: z
    .array(
      z.strictObject({
        addresses: z.array(endpointAddressSchema).optional(),
        notReadyAddresses: z.array(endpointAddressSchema).optional(),
        ports: z.array(endpointPortSchema).optional(),
      }),
    )
    .optional(),
});

/** Kubernetes Endpoints. */
export type Endpoints = z.infer<typeof endpointsSchema>;
/** One endpoint address. */
export type EndpointAddress = z.infer<typeof endpointAddressSchema>;
