/**
 * Object metadata: Kubernetes ObjectMeta (including every field an API server sets, so stored objects validate)
 * and the TSB management-plane metadata, whose required parents depend on the kind's place in the hierarchy.
 */
import { z } from 'zod';
import { dnsSubdomain, int32, labelMap, looseRecord, stringMap, timestamp } from './common.js';

/** An owner of a Kubernetes object (the ReplicaSet of a Pod, the Deployment of a ReplicaSet...). */
export const ownerReferenceSchema = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});

/** A server-side-apply field ownership record; `fieldsV1` is an open tree. */
export const managedFieldsEntrySchema = z.strictObject({
  manager: z.string().optional(),
  operation: z.string().optional(),
  apiVersion: z.string().optional(),
  time: timestamp.optional(),
  fieldsType: z.string().optional(),
  fieldsV1: looseRecord.optional(),
  subresource: z.string().optional(),
});

/** Kubernetes ObjectMeta. `name` is required unless `generateName` is given (checked after parsing). */
export const objectMetaSchema = z.strictObject({
  name: dnsSubdomain.optional(),
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  labels: labelMap.optional(),
  annotations: stringMap.optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().min(0).optional(),
  creationTimestamp: timestamp.optional(),
  deletionTimestamp: timestamp.optional(),
  deletionGracePeriodSeconds: int32.optional(),
  ownerReferences: z.array(ownerReferenceSchema).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(managedFieldsEntrySchema).optional(),
  selfLink: z.string().optional(),
});

/** Kubernetes object metadata. */
export type ObjectMeta = z.infer<typeof objectMetaSchema>;
/** An owner reference. */
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

/** A TSB object name: lowercase letters, digits, `-`, `.` and `_` are what tctl accepts. */
const tsbName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/, {
    error: 'must be lowercase letters, digits, "-", "." or "_", starting and ending alphanumeric',
  });

const tsbCommon = {
  name: tsbName,
  displayName: z.string().optional(),
  description: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  /** Set by the management plane. */
  resourceVersion: z.string().optional(),
  /** Set by the management plane. */
  uid: z.string().optional(),
  /** Set by the management plane. */
  creationTimestamp: timestamp.optional(),
};

/** Metadata of a kind at the top of the hierarchy (Organization): no parents. */
export const tsbRootMetaSchema = z.strictObject({ ...tsbCommon });
/** Metadata of a kind under an organization (Tenant, OrganizationSetting, Cluster). */
export const tsbOrgMetaSchema = z.strictObject({ ...tsbCommon, organization: tsbName });
/** Metadata of a kind under a tenant (Workspace). */
export const tsbTenantMetaSchema = z.strictObject({ ...tsbCommon, organization: tsbName, tenant: tsbName });
/** Metadata of a kind under a workspace (WorkspaceSetting). */
export const tsbWorkspaceMetaSchema = z.strictObject({
  ...tsbCommon,
  organization: tsbName,
  tenant: tsbName,
  workspace: tsbName,
});

/** TSB metadata in its most general form (any kind of the hierarchy). */
export type TsbMetadata = z.infer<typeof tsbRootMetaSchema> & {
  organization?: string;
  tenant?: string;
  workspace?: string;
};
