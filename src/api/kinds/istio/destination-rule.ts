/**
 * Istio DestinationRule (`networking.istio.io/v1`): traffic policy for a host. meshbridge writes one per failover
 * service with outlier detection, without which locality priorities never move traffic off priority 0.
 */
import { z } from 'zod';
import { duration, int32, looseRecord, portNumber, stringMap, uint32 } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { istioApiVersion, istioStatus } from './common.js';

/** Locality-weighted load balancing and failover. */
export const localityLbSettingSchema = z.strictObject({
  enabled: z.boolean().optional(),
  distribute: z.array(z.strictObject({ from: z.string(), to: z.record(z.string(), uint32) })).optional(),
  failover: z.array(z.strictObject({ from: z.string(), to: z.string() })).optional(),
  failoverPriority: z.array(z.string()).optional(),
});

/** Load balancer settings. */
export const loadBalancerSettingsSchema = z.strictObject({
  simple: z.enum(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']).optional(),
  consistentHash: looseRecord.optional(),
  localityLbSetting: localityLbSettingSchema.optional(),
  warmupDurationSecs: duration.optional(),
  warmup: looseRecord.optional(),
});

/** Connection pool limits. */
export const connectionPoolSchema = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: int32.optional(),
      connectTimeout: duration.optional(),
      tcpKeepalive: z
        .strictObject({ probes: uint32.optional(), time: duration.optional(), interval: duration.optional() })
        .optional(),
      maxConnectionDuration: duration.optional(),
      idleTimeout: duration.optional(),
    })
    .optional(),
  http: z
    .strictObject({
      http1MaxPendingRequests: int32.optional(),
      http2MaxRequests: int32.optional(),
      maxRequestsPerConnection: int32.optional(),
      maxRetries: int32.optional(),
      idleTimeout: duration.optional(),
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      useClientProtocol: z.boolean().optional(),
      maxConcurrentStreams: int32.optional(),
    })
    .optional(),
});

/** Outlier detection (Envoy ejects hosts that keep failing). */
export const outlierDetectionSchema = z.strictObject({
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: uint32.optional(),
  consecutiveGatewayErrors: uint32.optional(),
  consecutive5xxErrors: uint32.optional(),
  /** Deprecated in Istio; still accepted. */
  consecutiveErrors: int32.optional(),
  interval: duration.optional(),
  baseEjectionTime: duration.optional(),
  maxEjectionPercent: z.int().min(0).max(100).optional(),
  minHealthPercent: z.int().min(0).max(100).optional(),
});

/** Upstream TLS settings. */
export const clientTlsSettingsSchema = z.strictObject({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  sni: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  caCrl: z.string().optional(),
});

const policyFields = {
  loadBalancer: loadBalancerSettingsSchema.optional(),
  connectionPool: connectionPoolSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  tls: clientTlsSettingsSchema.optional(),
};

/** A traffic policy (also per port and per subset). */
export const trafficPolicySchema = z.strictObject({
  ...policyFields,
  portLevelSettings: z
    .array(z.strictObject({ port: z.strictObject({ number: portNumber }).optional(), ...policyFields }))
    .optional(),
  tunnel: looseRecord.optional(),
  proxyProtocol: looseRecord.optional(),
});

/** Schema of a DestinationRule's spec. */
export const destinationRuleSpecSchema = z.strictObject({
  host: z.string().min(1),
  trafficPolicy: trafficPolicySchema.optional(),
  subsets: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        labels: stringMap.optional(),
        trafficPolicy: trafficPolicySchema.optional(),
      }),
    )
    .optional(),
  exportTo: z.array(z.string()).optional(),
  workloadSelector: z.strictObject({ matchLabels: stringMap.optional() }).optional(),
});

/** Schema of a DestinationRule. */
export const destinationRuleSchema = z.strictObject({
  apiVersion: istioApiVersion,
  kind: z.literal('DestinationRule'),
  metadata: objectMetaSchema,
  spec: destinationRuleSpecSchema,
  status: istioStatus,
});

/** An Istio DestinationRule. */
export type DestinationRule = z.infer<typeof destinationRuleSchema>;
/** A traffic policy. */
export type TrafficPolicy = z.infer<typeof trafficPolicySchema>;
/** Outlier detection settings. */
export type OutlierDetection = z.infer<typeof outlierDetectionSchema>;
