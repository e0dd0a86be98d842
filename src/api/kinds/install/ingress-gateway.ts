/**
 * `install.tetrate.io/v1alpha1` IngressGateway. With `eastWestOnly: true` it is an East-West gateway exposing only
 * port 15443; `kubeSpec.overlays` patch the generated Deployment/Service with Istio K8sObjectOverlay paths.
 */
import { z } from 'zod';
import { duration, int32, intOrString, looseRecord, portNumber, stringMap } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { apiVersionSchema } from '../../schema/object.js';
import { envVarSchema, resourceRequirementsSchema } from '../k8s/container.js';
import { serviceTypeSchema } from '../k8s/service.js';

/** One overlay patch: a K8sObjectOverlay path and the value to set there (no value removes the field). */
export const overlayPatchSchema = z.strictObject({ path: z.string().min(1), value: z.unknown().optional() });

/** An overlay on one generated object. */
export const overlaySchema = z.strictObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  name: z.string().min(1),
  patches: z.array(overlayPatchSchema).optional(),
});

/** Schema of the Kubernetes part of the gateway's spec. */
export const kubeSpecSchema = z.strictObject({
  service: z
    .strictObject({
      type: serviceTypeSchema.optional(),
      annotations: stringMap.optional(),
      labels: stringMap.optional(),
      ports: z
        .array(
          z.strictObject({
            name: z.string().optional(),
            port: portNumber,
            targetPort: intOrString.optional(),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
            nodePort: portNumber.optional(),
          }),
        )
        .optional(),
      loadBalancerIP: z.string().optional(),
      loadBalancerSourceRanges: z.array(z.string()).optional(),
      externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
    })
    .optional(),
  deployment: z
    .strictObject({
      replicas: int32.min(0).optional(),
      podAnnotations: stringMap.optional(),
      labels: stringMap.optional(),
      env: z.array(envVarSchema).optional(),
      resources: resourceRequirementsSchema.optional(),
      hpaSpec: looseRecord.optional(),
      strategy: looseRecord.optional(),
      affinity: looseRecord.optional(),
      nodeSelector: stringMap.optional(),
      tolerations: z.array(looseRecord).optional(),
    })
    .optional(),
  overlays: z.array(overlaySchema).optional(),
});

/** Schema of an IngressGateway. */
export const ingressGatewaySchema = z.strictObject({
  apiVersion: apiVersionSchema('install.tetrate.io', ['v1alpha1']),
  kind: z.literal('IngressGateway'),
  metadata: objectMetaSchema,
  spec: z
    .strictObject({
      eastWestOnly: z.boolean().optional(),
      revision: z.string().optional(),
      connectionDrainDuration: duration.optional(),
      kubeSpec: kubeSpecSchema.optional(),
    })
    .optional(),
  status: looseRecord.optional(),
});

/** A Tetrate IngressGateway (East-West when `eastWestOnly`). */
export type IngressGateway = z.infer<typeof ingressGatewaySchema>;
/** An overlay of an IngressGateway. */
export type Overlay = z.infer<typeof overlaySchema>;
/** One patch of an overlay. */
export type OverlayPatch = z.infer<typeof overlayPatchSchema>;
