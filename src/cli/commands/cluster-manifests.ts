/**
 * Reading manifests for the cluster commands (`apply -f`, `delete -f`): every YAML document of every file (`-` is
 * stdin), empty documents skipped, each resolved to a served kind, with the namespace it lands in.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { findKind, type KindInfo } from '../../api/index.js';

/** One object of a manifest, resolved. */
export interface ManifestObject {
  readonly kind: KindInfo;
  readonly namespace: string | undefined;
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly source: string;
}

/** Reads, parses and resolves the objects of the files; throws with `file: message` on the first problem. */
export function readManifests(files: readonly string[], namespace: string | undefined): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const file of files) {
    const text = readFileSync(file === '-' ? 0 : file, 'utf8');
    for (const [i, doc] of parseAllDocuments(text).entries()) {
      if (doc.errors.length > 0) throw new Error(`${file}: document ${i + 1}: ${doc.errors[0]?.message ?? 'bad YAML'}`);
      const object = doc.toJS() as unknown;
      if (object === null || object === undefined) continue;
      if (typeof object !== 'object' || Array.isArray(object))
        throw new Error(`${file}: document ${i + 1} is not an object`);
      const obj = object as Record<string, unknown>;
      const meta = (obj.metadata ?? {}) as Record<string, unknown>;
      const kind = findKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
      if (!kind || kind.scope !== 'cluster') {
        throw new Error(
          `${file}: document ${i + 1}: no kind "${String(obj.kind)}" is served for version "${String(obj.apiVersion)}" by clusters`,
        );
      }
      const name = typeof meta.name === 'string' ? meta.name : '';
      if (name === '') throw new Error(`${file}: document ${i + 1}: metadata.name is required`);
      const docNs = typeof meta.namespace === 'string' ? meta.namespace : undefined;
      if (kind.namespaced && docNs && namespace && docNs !== namespace) {
        throw new Error(
          `${file}: the namespace from the provided object "${docNs}" does not match the namespace "${namespace}". You must pass '--namespace=${docNs}' to perform this operation.`,
        );
      }
      const ns = kind.namespaced ? (docNs ?? namespace ?? 'default') : undefined;
      out.push({ kind, namespace: ns, name, object: obj, source: file });
    }
  }
  return out;
}
