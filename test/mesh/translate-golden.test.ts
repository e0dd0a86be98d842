/**
 * Golden files for the pure translation: each `golden/<case>/case.yaml` (cluster objects, the asking proxy, and
 * optionally fixture files to include) sits beside `expected.json`, the exact xDS resources translate() returns.
 * `REFRESH_GOLDEN=1 node scripts/run-tests.mjs translate-golden` rewrites the expected files; review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { validateObject } from '../../src/api/index.js';
import { isMeshObject, type MeshObject } from '../../src/mesh/inputs.js';
import { createSnapshot } from '../../src/mesh/snapshot.js';
import { proxyFromNode, type XdsNodeInfo } from '../../src/mesh/proxy.js';
import { translate } from '../../src/mesh/translate/index.js';

interface GoldenCase {
  /** What the case shows, as a behaviour sentence. */
  description: string;
  proxy: XdsNodeInfo;
  /** The cluster's trust domain (default Istio's `cluster.local`). */
  trustDomain?: string;
  listenerNames?: string[];
  /** Example files (relative to examples/bookinfo) whose objects are added, in `namespace`. */
  include?: { file: string; namespace: string }[];
  objects?: MeshObject[];
}

const dir = join(REPO_ROOT, 'test/mesh/golden');
const refresh = process.env['REFRESH_GOLDEN'] === '1';

function loadObjects(c: GoldenCase): MeshObject[] {
  const out: MeshObject[] = [];
  for (const inc of c.include ?? []) {
    const docs = parseAllDocuments(readFileSync(join(EXAMPLES, inc.file), 'utf8')).map((d) => d.toJSON() as unknown);
    for (const doc of docs) {
      if (!isMeshObject(doc)) continue;
      out.push({ ...doc, metadata: { ...doc.metadata, namespace: inc.namespace } } as MeshObject);
    }
  }
  for (const o of c.objects ?? []) {
    assert.ok(isMeshObject(o), `case object is not a mesh object: ${JSON.stringify(o).slice(0, 120)}`);
    // Inputs must be objects the cluster API would accept, so the cases stay realistic.
    const v = validateObject(o);
    assert.ok(v.ok, `${o.kind}/${o.metadata.name}: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    out.push(o);
  }
  return out;
}

for (const name of readdirSync(dir).sort()) {
  const c = parse(readFileSync(join(dir, name, 'case.yaml'), 'utf8')) as GoldenCase;
  test(`${name}: ${c.description}`, () => {
    const snapshot = createSnapshot(loadObjects(c), c.trustDomain ? { trustDomain: c.trustDomain } : {});
    const proxy = proxyFromNode(c.proxy, snapshot);
    const got = translate(snapshot, proxy, c.listenerNames ? { listenerNames: c.listenerNames } : {});
    const file = join(dir, name, 'expected.json');
    const text = `${JSON.stringify(got, null, 2)}\n`;
    if (refresh || !existsSync(file)) {
      writeFileSync(file, text);
      if (!refresh) assert.fail(`${file} did not exist; written now, review it and run again`);
      return;
    }
    assert.deepEqual(
      JSON.parse(text),
      JSON.parse(readFileSync(file, 'utf8')),
      `translation of ${name} differs from expected.json (REFRESH_GOLDEN=1 regenerates it)`,
    );
  });
}
