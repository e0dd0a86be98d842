/**
 * The module graph of src/ has no import cycles, type-only imports included: a cycle means two files are one idea
 * split in the wrong place (docs/architecture.md). Imports are read from the source text, relative ones only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to .ts paths (`from './x.js'` -> `x.ts`). */
export function importsOf(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)) {
    out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  }
  return out;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

test('src/ has no import cycles, type-only imports included', () => {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(SRC)) graph.set(f, importsOf(f, readFileSync(f, 'utf8')));
  assert.ok(graph.size > 100, `read ${graph.size} files`);
  const found = cycles(graph).map((c) => c.map((f) => relative(REPO_ROOT, f)));
  assert.deepEqual(found, [], `cycles:\n${found.map((c) => c.join(' <-> ')).join('\n')}`);
});

test('the cycle finder sees a planted two-file cycle', () => {
  const g = new Map([
    ['/a.ts', importsOf('/a.ts', "import type { B } from './b.js';")],
    ['/b.ts', importsOf('/b.ts', "export { A } from './a.js';")],
    ['/c.ts', importsOf('/c.ts', "import { A } from './a.js';")],
  ]);
  assert.deepEqual(cycles(g), [['/a.ts', '/b.ts']]);
});
