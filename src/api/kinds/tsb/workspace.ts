/**
 * TSB Workspace: a set of namespaces across clusters, selected by `cluster/namespace` patterns (`*` wildcards,
 * e.g. `*\/bookinfo`, `cluster-1/*`, `c1/ns*`).
 */
import { z } from 'zod';
import { tsbTenantMetaSchema } from '../../schema/meta.js';
import { tsbApiVersion, tsbDescriptive } from './common.js';

/** A `cluster/namespace` pattern. */
export const namespacePatternSchema = z.string().regex(/^[a-z0-9*]([-a-z0-9.*]*)?\/[a-z0-9*]([-a-z0-9*]*)?$/, {
  error: 'expected "<cluster>/<namespace>" where either part may use * (e.g. */bookinfo)',
});

/** Schema of a Workspace. */
export const workspaceSchema = z.strictObject({
  apiVersion: tsbApiVersion,
  kind: z.literal('Workspace'),
  metadata: tsbTenantMetaSchema,
  spec: z.strictObject({
    ...tsbDescriptive,
    namespaceSelector: z.strictObject({ names: z.array(namespacePatternSchema).min(1) }),
    privileged: z.boolean().optional(),
    isolationBoundary: z.string().optional(),
  }),
});

/** A TSB Workspace. */
export type Workspace = z.infer<typeof workspaceSchema>;
