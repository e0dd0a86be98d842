/** Kubernetes Node (`v1`). Its `topology.kubernetes.io/region|zone` labels give pods their locality. */
import { z } from 'zod';
import { condition, looseRecord, resourceList, timestamp } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** Schema of a Node. */
export const nodeSchema = z.strictObject({
  ...kubeHeader('Node', apiVersionSchema('', ['v1'])),
  spec: z
    .strictObject({
      podCIDR: z.string().optional(),
      podCIDRs: z.array(z.string()).optional(),
      providerID: z.string().optional(),
      unschedulable: z.boolean().optional(),
      taints: z
        .array(
          z.strictObject({
            key: z.string(),
            value: z.string().optional(),
            effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']),
            timeAdded: timestamp.optional(),
          }),
        )
        .optional(),
      configSource: looseRecord.optional(),
      externalID: z.string().optional(),
    })
    .optional(),
  status: z
    .strictObject({
      capacity: resourceList.optional(),
      allocatable: resourceList.optional(),
      phase: z.string().optional(),
      conditions: z.array(condition).optional(),
      addresses: z.array(z.strictObject({ type: z.string(), address: z.string() })).optional(),
      daemonEndpoints: looseRecord.optional(),
      nodeInfo: looseRecord.optional(),
      images: z.array(looseRecord).optional(),
      volumesInUse: z.array(z.string()).optional(),
      volumesAttached: z.array(looseRecord).optional(),
      config: looseRecord.optional(),
      runtimeHandlers: z.array(looseRecord).optional(),
      features: looseRecord.optional(),
      declaredFeatures: z.array(z.string()).optional(),
    })
    .optional(),
});

/** A Kubernetes Node. */
export type Node = z.infer<typeof nodeSchema>;
