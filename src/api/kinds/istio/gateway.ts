/**
 * Istio Gateway (`networking.istio.io/v1`): the servers a gateway proxy opens and the hosts each one serves.
 * meshbridge writes one per East-West gateway, `tls.mode: AUTO_PASSTHROUGH` on port 15443, whose `hosts` are
 * exactly the services the WorkspaceSetting exposes: what is exported through the gateway is written, not implied.
 */
import { z } from 'zod';
import { portNumber, stringMap } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { istioApiVersion, istioStatus } from './common.js';

/** A server's port. */
export const gatewayPortSchema = z.strictObject({
  number: portNumber,
  protocol: z.string().min(1),
  name: z.string().min(1),
  targetPort: portNumber.optional(),
});

/** A server's TLS settings (Istio `ServerTLSSettings`). */
export const serverTlsSettingsSchema = z.strictObject({
  httpsRedirect: z.boolean().optional(),
  mode: z.enum(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
  serverCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  caCrl: z.string().optional(),
  credentialName: z.string().optional(),
  credentialNames: z.array(z.string()).max(2).optional(),
  subjectAltNames: z.array(z.string()).optional(),
  verifyCertificateSpki: z.array(z.string()).optional(),
  verifyCertificateHash: z.array(z.string()).optional(),
  minProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  maxProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  cipherSuites: z.array(z.string()).optional(),
});

/** One server of a Gateway: a port, the hosts it serves (`[namespace/]host`), its TLS settings. */
export const gatewayServerSchema = z.strictObject({
  port: gatewayPortSchema,
  bind: z.string().optional(),
  hosts: z.array(z.string().min(1)).min(1),
  tls: serverTlsSettingsSchema.optional(),
  defaultEndpoint: z.string().optional(),
  name: z.string().optional(),
});

/** Schema of a Gateway's spec. */
export const gatewaySpecSchema = z.strictObject({
  servers: z.array(gatewayServerSchema).optional(),
  /** Labels of the gateway pods this configuration applies to. */
  selector: stringMap.optional(),
});

/** Schema of a Gateway. */
export const gatewaySchema = z.strictObject({
  apiVersion: istioApiVersion,
  kind: z.literal('Gateway'),
  metadata: objectMetaSchema,
  spec: gatewaySpecSchema,
  status: istioStatus,
});

/** An Istio Gateway. */
export type Gateway = z.infer<typeof gatewaySchema>;
/** The spec of a Gateway. */
export type GatewaySpec = z.infer<typeof gatewaySpecSchema>;
