/** Kubernetes Service (`v1`) with its load-balancer status (the East-West gateway's addresses live there). */
import { z } from 'zod';
import { condition, dns1035Label, intOrString, labelMap, portNumber } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** One port of a Service. */
export const servicePortSchema = z.strictObject({
  name: z.string().optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  appProtocol: z.string().optional(),
  port: portNumber,
  targetPort: intOrString.optional(),
  nodePort: portNumber.optional(),
});

/** The `type` of a Service. */
export const serviceTypeSchema = z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);

/** Schema of a Service's spec. */
export const serviceSpecSchema = z.strictObject({
  ports: z.array(servicePortSchema).optional(),
  selector: labelMap.optional(),
  clusterIP: z.string().optional(),
  clusterIPs: z.array(z.string()).optional(),
  type: serviceTypeSchema.optional(),
  externalIPs: z.array(z.string()).optional(),
  externalName: z.string().optional(),
  sessionAffinity: z.enum(['ClientIP', 'None']).optional(),
  sessionAffinityConfig: z
    .strictObject({ clientIP: z.strictObject({ timeoutSeconds: z.int().optional() }).optional() })
    .optional(),
  loadBalancerIP: z.string().optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
  loadBalancerClass: z.string().optional(),
  allocateLoadBalancerNodePorts: z.boolean().optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
  healthCheckNodePort: portNumber.optional(),
  publishNotReadyAddresses: z.boolean().optional(),
  ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).optional(),
  ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  trafficDistribution: z.string().optional(),
});

/** One load-balancer ingress point (an IP or hostname). */
export const loadBalancerIngressSchema = z.strictObject({
  ip: z.string().optional(),
  hostname: z.string().optional(),
  ipMode: z.enum(['VIP', 'Proxy']).optional(),
  ports: z.array(z.strictObject({ port: portNumber, protocol: z.string(), error: z.string().optional() })).optional(),
});

/** Schema of a Service. */
export const serviceSchema = z.strictObject({
  ...kubeHeader('Service', apiVersionSchema('', ['v1']), dns1035Label),
  spec: serviceSpecSchema.optional(),
  status: z
    .strictObject({
      loadBalancer: z.strictObject({ ingress: z.array(loadBalancerIngressSchema).optional() }).optional(),
      conditions: z.array(condition).optional(),
    })
    .optional(),
});

/** A Kubernetes Service. */
export type Service = z.infer<typeof serviceSchema>;
/** One port of a Service. */
export type ServicePort = z.infer<typeof servicePortSchema>;
