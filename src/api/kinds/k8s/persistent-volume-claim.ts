/**
 * Kubernetes PersistentVolumeClaim (`v1`): a request for storage that outlives pods. The production install asks
 * for one when the management plane keeps its store in SQLite. A local cluster binds every claim at once to a
 * directory of its own (the runner mounts it into pods that name the claim), so only the request's shape is checked.
 */
import { z } from 'zod';
import { labelSelector, resourceList } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

/** Schema of a PersistentVolumeClaim. */
export const persistentVolumeClaimSchema = z.strictObject({
  ...kubeHeader('PersistentVolumeClaim', apiVersionSchema('', ['v1'])),
  spec: z.strictObject({
    accessModes: z.array(z.enum(ACCESS_MODES)).min(1),
    resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
    selector: labelSelector.optional(),
    storageClassName: z.string().max(253).optional(),
    volumeMode: z.enum(['Filesystem', 'Block']).optional(),
    volumeName: z.string().max(253).optional(),
    volumeAttributesClassName: z.string().max(253).optional(),
    dataSource: z.record(z.string(), z.unknown()).optional(),
    dataSourceRef: z.record(z.string(), z.unknown()).optional(),
  }),
  status: z.record(z.string(), z.unknown()).optional(),
});

/** A Kubernetes PersistentVolumeClaim. */
export type PersistentVolumeClaim = z.infer<typeof persistentVolumeClaimSchema>;
