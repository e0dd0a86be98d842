/** The generic shape of any object meshbridge handles, for code that works across kinds. */
import type { ObjectMeta, TsbMetadata } from './schema/meta.js';

/**
 * Any Kubernetes-style object: apiVersion, kind, metadata, and the rest. Management-plane objects carry TSB
 * metadata (organization/tenant/workspace) in place of Kubernetes' namespace.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta &
    Partial<Pick<TsbMetadata, 'organization' | 'tenant' | 'workspace' | 'displayName' | 'description'>>;
  [field: string]: unknown;
}
