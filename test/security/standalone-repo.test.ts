/**
 * The repository stands alone: nothing that `npm start`, the CLI, the docs or the tests (other than the
 * compatibility suites) use reads a folder beside the clone. Each case is one way that boundary could be crossed,
 * asserted refused, and asserted to have started nothing (no state written, no process spawned).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packageExamplesDir } from '../../src/demo/examples.js';
import { EXAMPLES, REPO_ROOT } from '../support/paths.js';
import { ensureBuilt, processesWith } from '../local/process-support.js';

/** What a reference to the folder beside the clone looks like (built from parts so this file does not match). */
const OUTSIDE = [new RegExp(['\\.\\.', 'shared'].join('/')), new RegExp(['shared', 'fixtures'].join('/'))];
/** What the scan covers, relative to the repository root. */
const SCANNED = ['src', 'test', 'bench', 'scripts', 'docs', 'examples', 'README.md'];
/** The only files allowed to name that folder: the compatibility suites and their support module. */
const ALLOWED = /^test\/compat\//;
/** Files larger than this are data, not something that could name a path to read (and the scan stays bounded). */
const MAX_SCANNED_BYTES = 2 * 1024 * 1024;

/** Files under `root` (relative paths) whose text names the folder beside the clone, ALLOWED ones excepted. */
function referencesOutside(root: string, entries: readonly string[]): string[] {
  const found: string[] = [];
  const visit = (rel: string): void => {
    const full = join(root, rel);
    if (!existsSync(full)) return;
    const st = statSync(full);
    if (st.isDirectory()) {
      for (const name of readdirSync(full)) if (name !== 'node_modules') visit(join(rel, name));
      return;
    }
    if (!st.isFile() || st.size > MAX_SCANNED_BYTES || ALLOWED.test(rel)) return;
    const text = readFileSync(full, 'utf8');
    if (OUTSIDE.some((re) => re.test(text))) found.push(rel);
  };
  for (const e of entries) visit(e);
  return found.sort();
}

function meshbridge(args: string[], opts: { cwd: string; home: string }) {
  const res = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'meshbridge.js'), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, MESHBRIDGE_HOME: opts.home },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

test('no file outside the compatibility suites refers to the folder beside the clone', () => {
  assert.deepEqual(referencesOutside(REPO_ROOT, SCANNED), []);
});

test('the scan finds a reference planted in any scanned place, and exempts only test/compat', () => {
  const root = mkdtempSync(join(tmpdir(), 'mb-standalone-scan-'));
  try {
    const plant = (rel: string, text: string) => {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    const ref = ['..', 'shared', 'fixtures', 'upstream', 'bookinfo.yaml'].join('/');
    plant('src/cli/commands/demo.ts', `const dir = new URL('../../../${ref}', import.meta.url);\n`);
    plant('docs/guide.md', `kubectl apply -f ${ref}\n`);
    plant('README.md', `see ${['shared', 'fixtures'].join('/')}/seed\n`);
    plant('examples/bookinfo/x.yaml', `# from ${ref}\n`);
    plant('test/compat/support.ts', `export const ROOT = '${ref}';\n`);
    plant('src/clean.ts', 'export const shared = 1; // a shared helper, not a path\n');
    assert.deepEqual(referencesOutside(root, SCANNED), [
      'README.md',
      'docs/guide.md',
      'examples/bookinfo/x.yaml',
      'src/cli/commands/demo.ts',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the demo finds its examples inside the package, from a working directory with nothing in it', () => {
  ensureBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'mb-standalone-cwd-'));
  try {
    assert.equal(packageExamplesDir(), EXAMPLES);
    // The compiled CLI (what `npm start` and an installed package run) reports the default it will use.
    const help = meshbridge(['demo', '--help'], { cwd, home: join(cwd, 'home') });
    assert.equal(help.status, 0, help.stderr);
    const shown = /--examples <dir>[\s\S]*?\(default: "([^"]+)"\)/.exec(help.stdout)?.[1];
    assert.equal(shown, EXAMPLES);
    assert.equal(relative(REPO_ROOT, shown).startsWith('..'), false, 'the default lies inside the package');
    assert.deepEqual(readdirSync(cwd), [], 'nothing was written to the working directory');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('the demo with an examples folder lacking files is refused at once, naming the folder and every missing file, and starts nothing', () => {
  ensureBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'mb-standalone-missing-'));
  try {
    const partial = join(cwd, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'bookinfo.yaml'), readFileSync(join(EXAMPLES, 'bookinfo.yaml')));
    mkdirSync(join(partial, 'sleep.yaml')); // a directory where a file is expected counts as missing
    const home = join(cwd, 'home');
    const r = meshbridge(['demo', '--examples', partial], { cwd, home });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`the example manifests are not in ${partial} \\(missing: sleep\\.yaml, `));
    for (const f of ['eastwest-gateway.yaml', 'workspace.yaml', 'workspace-setting.yaml', 'reachability-both.yaml'])
      assert.match(r.stderr, new RegExp(f.replace('.', '\\.')));
    assert.doesNotMatch(r.stderr, /missing: [^)]*bookinfo\.yaml/, 'the file that is there is not reported');
    assert.equal(r.stdout, '', 'no step was printed');
    assert.equal(existsSync(home), false, 'no state was written');
    // The demo runs everything with MESHBRIDGE_HOME=<home>/demo: no process carries it.
    assert.deepEqual(processesWith(`MESHBRIDGE_HOME=${join(home, 'demo')}`), [], 'no process was started');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('the demo with an examples folder that does not exist is refused the same way', () => {
  ensureBuilt();
  const cwd = mkdtempSync(join(tmpdir(), 'mb-standalone-none-'));
  try {
    const home = join(cwd, 'home');
    const r = meshbridge(['demo', '--examples', 'nowhere'], { cwd, home });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `the example manifests are not in ${join(cwd, 'nowhere')} \\(missing: bookinfo\\.yaml, sleep\\.yaml, `,
      ),
    );
    assert.equal(r.stdout, '');
    assert.equal(existsSync(home), false, 'no state was written');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
