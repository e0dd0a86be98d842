#!/usr/bin/env node
// Runs every test file with Node's test runner. Node 20 does not expand globs for `--test`, so the files are
// listed here: unit tests beside the code (`src/**/*.test.ts`) and cross-component suites (`test/**/*.test.ts`).
// Usage: node scripts/run-tests.mjs [substring...]   (only files whose path contains one of the substrings)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test', 'ui']
  .flatMap((d) => {
    try {
      return walk(join(root, d));
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// End-to-end and chaos suites start whole local clusters and measure failover under a steady request rate: on a
// 2-core machine, running one beside another heavy suite starves its pods and turns timing checks into timeouts.
// They run after the rest, one at a time.
const alone = (f) => f.startsWith('test/e2e/') || f.startsWith('test/chaos/') || f.endsWith('.e2e.test.ts');
const phases = [
  { files: files.filter((f) => !alone(f)), concurrency },
  { files: files.filter(alone), concurrency: '1' },
].filter((p) => p.files.length > 0);
let status = 0;
for (const phase of phases) {
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${phase.concurrency}`, '--test-timeout=600000', ...phase.files],
    { cwd: root, stdio: 'inherit' },
  );
  if ((res.status ?? 1) !== 0) status = res.status ?? 1;
}
process.exit(status);
