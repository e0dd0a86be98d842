/** The valid corpus: generated objects of every kind (as YAML and as JSON), the hand-written valid fixtures and the project's examples. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Source } from '../../src/api/index.js';
import { configKinds } from './corpus-config.js';
import { k8sKinds } from './corpus-k8s.js';
import { meshKinds } from './corpus-mesh.js';
import { API_FIXTURES, exampleFiles, readExample } from './support.js';

export const generators: Record<string, fc.Arbitrary<unknown>> = { ...k8sKinds, ...configKinds, ...meshKinds };
const PER_KIND = 8;

export function corpus(): Source[] {
  const generated = Object.entries(generators).flatMap(([kind, arb], k) =>
    fc.sample(arb, { numRuns: PER_KIND, seed: 4242 + k }).map((obj, i) => ({
      file: `generated/${kind}-${i}.${i % 2 === 0 ? 'yaml' : 'json'}`,
      text: i % 2 === 0 ? stringify(obj) : JSON.stringify(obj, null, 1),
    })),
  );
  const handWritten = readdirSync(join(API_FIXTURES, 'valid')).map((name) => ({
    file: `valid/${name}`,
    text: readFileSync(join(API_FIXTURES, 'valid', name), 'utf8'),
  }));
  const examples = exampleFiles().map((file) => ({ file, text: readExample(file) }));
  return [...generated, ...handWritten, ...examples];
}
