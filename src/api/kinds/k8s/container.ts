/**
 * The Kubernetes Container and its parts (ports, env, probes, resources, security context). Covers the fields real
 * manifests use so a user's Deployment is not rejected, while unknown fields stay errors.
 */
import { z } from 'zod';
import { int32, intOrString, looseRecord, portNumber, quantity, resourceList, stringMap } from '../../schema/common.js';

const protocol = z.enum(['TCP', 'UDP', 'SCTP']);

/** A container port. */
export const containerPortSchema = z.strictObject({
  name: z.string().max(15).optional(),
  containerPort: portNumber,
  protocol: protocol.optional(),
  hostPort: portNumber.optional(),
  hostIP: z.string().optional(),
});

const keyRef = z.strictObject({ name: z.string().optional(), key: z.string(), optional: z.boolean().optional() });

/** An environment variable (literal value or a reference). */
export const envVarSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      fieldRef: z.strictObject({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
      resourceFieldRef: z
        .strictObject({ resource: z.string(), containerName: z.string().optional(), divisor: quantity.optional() })
        .optional(),
      configMapKeyRef: keyRef.optional(),
      secretKeyRef: keyRef.optional(),
      fileKeyRef: looseRecord.optional(),
    })
    .optional(),
});

const envFromSource = z.strictObject({
  prefix: z.string().optional(),
  configMapRef: z.strictObject({ name: z.string().optional(), optional: z.boolean().optional() }).optional(),
  secretRef: z.strictObject({ name: z.string().optional(), optional: z.boolean().optional() }).optional(),
});

/** Compute resources. */
export const resourceRequirementsSchema = z.strictObject({
  limits: resourceList.optional(),
  requests: resourceList.optional(),
  claims: z.array(z.strictObject({ name: z.string(), request: z.string().optional() })).optional(),
});

const execAction = z.strictObject({ command: z.array(z.string()).optional() });
const httpGetAction = z.strictObject({
  path: z.string().optional(),
  port: intOrString,
  host: z.string().optional(),
  scheme: z.enum(['HTTP', 'HTTPS']).optional(),
  httpHeaders: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
});
const tcpSocketAction = z.strictObject({ port: intOrString, host: z.string().optional() });

/** A liveness/readiness/startup probe. */
export const probeSchema = z.strictObject({
  exec: execAction.optional(),
  httpGet: httpGetAction.optional(),
  tcpSocket: tcpSocketAction.optional(),
  grpc: z.strictObject({ port: int32, service: z.string().optional() }).optional(),
  initialDelaySeconds: int32.optional(),
  timeoutSeconds: int32.optional(),
  periodSeconds: int32.optional(),
  successThreshold: int32.optional(),
  failureThreshold: int32.optional(),
  terminationGracePeriodSeconds: z.int().optional(),
});

const lifecycleHandler = z.strictObject({
  exec: execAction.optional(),
  httpGet: httpGetAction.optional(),
  tcpSocket: tcpSocketAction.optional(),
  sleep: z.strictObject({ seconds: z.int() }).optional(),
});

const seccompProfile = z.strictObject({
  type: z.enum(['RuntimeDefault', 'Unconfined', 'Localhost']),
  localhostProfile: z.string().optional(),
});

const securityCommon = {
  runAsUser: z.int().optional(),
  runAsGroup: z.int().optional(),
  runAsNonRoot: z.boolean().optional(),
  seccompProfile: seccompProfile.optional(),
  seLinuxOptions: looseRecord.optional(),
  windowsOptions: looseRecord.optional(),
  appArmorProfile: looseRecord.optional(),
};

/** A container's security context. */
export const securityContextSchema = z.strictObject({
  ...securityCommon,
  privileged: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  capabilities: z
    .strictObject({ add: z.array(z.string()).optional(), drop: z.array(z.string()).optional() })
    .optional(),
  procMount: z.string().optional(),
});

/** A pod's security context. */
export const podSecurityContextSchema = z.strictObject({
  ...securityCommon,
  fsGroup: z.int().optional(),
  fsGroupChangePolicy: z.enum(['OnRootMismatch', 'Always']).optional(),
  supplementalGroups: z.array(z.int()).optional(),
  supplementalGroupsPolicy: z.string().optional(),
  sysctls: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
  seLinuxChangePolicy: z.string().optional(),
});

/** A volume mount. */
export const volumeMountSchema = z.strictObject({
  name: z.string(),
  mountPath: z.string(),
  subPath: z.string().optional(),
  subPathExpr: z.string().optional(),
  readOnly: z.boolean().optional(),
  recursiveReadOnly: z.string().optional(),
  mountPropagation: z.enum(['None', 'HostToContainer', 'Bidirectional']).optional(),
});

/** A container (also used for init containers). */
export const containerSchema = z.strictObject({
  name: z.string().min(1),
  image: z.string().optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  ports: z.array(containerPortSchema).optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: z.array(envFromSource).optional(),
  resources: resourceRequirementsSchema.optional(),
  resizePolicy: z.array(z.strictObject({ resourceName: z.string(), restartPolicy: z.string() })).optional(),
  restartPolicy: z.string().optional(),
  volumeMounts: z.array(volumeMountSchema).optional(),
  volumeDevices: z.array(z.strictObject({ name: z.string(), devicePath: z.string() })).optional(),
  livenessProbe: probeSchema.optional(),
  readinessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: z
    .strictObject({
      postStart: lifecycleHandler.optional(),
      preStop: lifecycleHandler.optional(),
      stopSignal: z.string().optional(),
    })
    .optional(),
  terminationMessagePath: z.string().optional(),
  terminationMessagePolicy: z.enum(['File', 'FallbackToLogsOnError']).optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  securityContext: securityContextSchema.optional(),
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
});

/** A Kubernetes container. */
export type Container = z.infer<typeof containerSchema>;
/** An environment variable of a container. */
export type EnvVar = z.infer<typeof envVarSchema>;
/** Requests and limits. */
export type ResourceRequirements = z.infer<typeof resourceRequirementsSchema>;
/** A probe. */
export type Probe = z.infer<typeof probeSchema>;

/** Annotations and labels a pod template or gateway may carry. */
export const podMetadataMaps = { labels: stringMap.optional(), annotations: stringMap.optional() };
