/**
 * Istio WorkloadEntry (`networking.istio.io/v1`): a non-Kubernetes endpoint of a service. meshbridge writes one
 * per East-West gateway address of a remote cluster, with `ports: {<service port name>: 15443}`.
 */
import { z } from 'zod';
import { portNumber, stringMap, uint32 } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { istioApiVersion, istioStatus } from './common.js';

/** The WorkloadEntry spec (also the shape of a ServiceEntry endpoint). */
export const workloadEntrySpecSchema = z.strictObject({
  /** IP address or DNS name (or a `unix://` socket) of the endpoint. */
  address: z.string().max(256).optional(),
  /** Port name -> port number on the endpoint. */
  ports: z.record(z.string(), portNumber).optional(),
  labels: stringMap.optional(),
  network: z.string().optional(),
  /** `region/zone/subzone`. */
  locality: z.string().optional(),
  weight: uint32.optional(),
  serviceAccount: z.string().optional(),
});

/** Schema of a WorkloadEntry. */
export const workloadEntrySchema = z.strictObject({
  apiVersion: istioApiVersion,
  kind: z.literal('WorkloadEntry'),
  metadata: objectMetaSchema,
  spec: workloadEntrySpecSchema,
  status: istioStatus,
});

/** An Istio WorkloadEntry. */
export type WorkloadEntry = z.infer<typeof workloadEntrySchema>;
/** The spec of a WorkloadEntry. */
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpecSchema>;
