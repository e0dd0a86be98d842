/** A Kubernetes object as `install` prints it, and the YAML stream it prints. */
import { stringify } from 'yaml';

/** One manifest: apiVersion, kind, metadata and the rest. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** The manifests as one multi-document YAML stream, preceded by a comment saying what it is. */
export function renderManifests(header: string, manifests: readonly Manifest[]): string {
  const comment = header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n');
  return `${comment}\n${manifests.map((m) => `---\n${stringify(m, { lineWidth: 0 })}`).join('')}`;
}
