/** Helpers to declare a kind's top-level object schema: apiVersion + kind literals, metadata, spec, status. */
import { z } from 'zod';
import { objectMetaSchema } from './meta.js';

/** The `apiVersion` schema for a group and its accepted versions. */
export function apiVersionSchema(group: string, versions: readonly [string, ...string[]]) {
  const values = versions.map((v) => (group === '' ? v : `${group}/${v}`)) as [string, ...string[]];
  return z.enum(values);
}

/**
 * Fields every Kubernetes object of kind `kind` has: apiVersion, kind, metadata. `name` narrows the name format
 * for kinds stricter than a DNS subdomain (Services and Namespaces).
 */
export function kubeHeader<K extends string>(kind: K, apiVersion: z.ZodType<string>, name?: z.ZodType<string>) {
  return {
    apiVersion,
    kind: z.literal(kind),
    metadata: name ? objectMetaSchema.extend({ name: name.optional() }) : objectMetaSchema,
  };
}
