/** The Kubernetes PodSpec and Volume, shared by Pod and the Deployment's pod template. */
import { z } from 'zod';
import { int32, localObjectReference, looseRecord, quantity, resourceList, stringMap } from '../../schema/common.js';
import { containerSchema, podSecurityContextSchema, resourceRequirementsSchema } from './container.js';

const keyToPath = z.strictObject({ key: z.string(), path: z.string(), mode: z.int().optional() });

/** A volume: a name and one source. The common sources are checked; the rarer ones are accepted as records. */
export const volumeSchema = z.strictObject({
  name: z.string().min(1),
  emptyDir: z.strictObject({ medium: z.string().optional(), sizeLimit: quantity.optional() }).optional(),
  secret: z
    .strictObject({
      secretName: z.string().optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: z.int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  configMap: z
    .strictObject({
      name: z.string().optional(),
      items: z.array(keyToPath).optional(),
      defaultMode: z.int().optional(),
      optional: z.boolean().optional(),
    })
    .optional(),
  hostPath: z.strictObject({ path: z.string(), type: z.string().optional() }).optional(),
  persistentVolumeClaim: z.strictObject({ claimName: z.string(), readOnly: z.boolean().optional() }).optional(),
  projected: looseRecord.optional(),
  downwardAPI: looseRecord.optional(),
  csi: looseRecord.optional(),
  ephemeral: looseRecord.optional(),
  nfs: looseRecord.optional(),
  image: looseRecord.optional(),
});

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute', '']).optional(),
  tolerationSeconds: z.int().optional(),
});

/** The spec of a pod. */
export const podSpecSchema = z.strictObject({
  containers: z.array(containerSchema).min(1),
  initContainers: z.array(containerSchema).optional(),
  ephemeralContainers: z.array(looseRecord).optional(),
  volumes: z.array(volumeSchema).optional(),
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
  terminationGracePeriodSeconds: z.int().min(0).optional(),
  activeDeadlineSeconds: z.int().min(1).optional(),
  dnsPolicy: z.enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']).optional(),
  dnsConfig: z
    .strictObject({
      nameservers: z.array(z.string()).optional(),
      searches: z.array(z.string()).optional(),
      options: z.array(z.strictObject({ name: z.string(), value: z.string().optional() })).optional(),
    })
    .optional(),
  nodeSelector: stringMap.optional(),
  nodeName: z.string().optional(),
  serviceAccountName: z.string().optional(),
  serviceAccount: z.string().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  hostNetwork: z.boolean().optional(),
  hostPID: z.boolean().optional(),
  hostIPC: z.boolean().optional(),
  hostUsers: z.boolean().optional(),
  shareProcessNamespace: z.boolean().optional(),
  securityContext: podSecurityContextSchema.optional(),
  imagePullSecrets: z.array(localObjectReference).optional(),
  hostname: z.string().optional(),
  subdomain: z.string().optional(),
  setHostnameAsFQDN: z.boolean().optional(),
  hostAliases: z.array(z.strictObject({ ip: z.string(), hostnames: z.array(z.string()).optional() })).optional(),
  affinity: looseRecord.optional(),
  schedulerName: z.string().optional(),
  tolerations: z.array(toleration).optional(),
  topologySpreadConstraints: z.array(looseRecord).optional(),
  priorityClassName: z.string().optional(),
  priority: int32.optional(),
  preemptionPolicy: z.string().optional(),
  readinessGates: z.array(z.strictObject({ conditionType: z.string() })).optional(),
  runtimeClassName: z.string().optional(),
  enableServiceLinks: z.boolean().optional(),
  overhead: resourceList.optional(),
  os: z.strictObject({ name: z.string() }).optional(),
  schedulingGates: z.array(z.strictObject({ name: z.string() })).optional(),
  resourceClaims: z.array(looseRecord).optional(),
  resources: resourceRequirementsSchema.optional(),
});

/** A Kubernetes PodSpec. */
export type PodSpec = z.infer<typeof podSpecSchema>;
/** A volume of a pod. */
export type Volume = z.infer<typeof volumeSchema>;
