import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { exampleFiles, readExample } from './support.js';

const BIN = join(REPO_ROOT, 'bin', 'meshbridge.js');
let dir = '';

/** Source files the validate command runs, and whether dist/ holds a build at least as new as each. */
function distIsFresh(): boolean {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
    );
  return ['src/api', 'src/cli']
    .flatMap((d) => walk(join(REPO_ROOT, d)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .every((src) => {
      const out = join(REPO_ROOT, 'dist', relative(join(REPO_ROOT, 'src'), src)).replace(/\.ts$/, '.js');
      return existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;
    });
}

/** Runs the built command in the temp dir. */
function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'validate', ...args], {
    cwd: dir,
    encoding: 'utf8',
    input,
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  // The command runs compiled JavaScript; build when dist/ is older than the sources (npm test builds first).
  if (!distIsFresh())
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      { cwd: REPO_ROOT },
    );
  dir = mkdtempSync(join(tmpdir(), 'meshbridge-validate-'));
  for (const file of exampleFiles()) writeFileSync(join(dir, file.split('/').pop()!), readExample(file));
  writeFileSync(
    join(dir, 'bookinfo-ws.yaml'),
    readFileSync(join(dir, 'workspace-setting.yaml'), 'utf8').replace(
      /- workloadSelector:\n\s+namespace: bookinfo\n\s+labels:\n\s+app: eastwest-gateway/,
      '- exposedServices: []',
    ),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('validate accepts the examples: exit 0, warnings printed', () => {
  const files = [
    'bookinfo.yaml',
    'sleep.yaml',
    'workspace.yaml',
    'workspace-setting.yaml',
    'eastwest-gateway.yaml',
    'eastwest-gateway-locality.yaml',
  ];
  const r = cli(files.flatMap((f) => ['-f', f]));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^workspace-setting\.yaml:\d+:\d+ warning \[MB0303\] WorkspaceSetting\/bookinfo-ws-setting: /m,
  );
  assert.match(r.stdout, /^valid: 22 documents in 6 files: 0 errors, 2 warnings$/m);
});

test('validate rejects a bad file: exit 1 with the located error line', () => {
  const r = cli(['-f', 'bookinfo-ws.yaml']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^bookinfo-ws\.yaml:16:7 error \[MB0102\] WorkspaceSetting\/bookinfo-ws-setting: spec\.defaultEastWestGatewaySettings\[0\]\.workloadSelector: required$/m,
  );
  assert.match(r.stdout, /^invalid: 1 document in 1 file: 1 error, 0 warnings$/m);
});

test('-o json gives every issue with its location, and the documents', () => {
  const r = cli(['-f', 'bookinfo-ws.yaml', '-f', 'sleep.yaml', '-o', 'json']);
  assert.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as {
    ok: boolean;
    documents: { kind: string; ok: boolean }[];
    errors: Record<string, unknown>[];
  };
  assert.equal(out.ok, false);
  assert.equal(out.documents.length, 4);
  assert.deepEqual(out.errors, [
    {
      code: 'MB0102',
      severity: 'error',
      path: 'spec.defaultEastWestGatewaySettings[0].workloadSelector',
      message: 'required',
      kind: 'WorkspaceSetting',
      name: 'bookinfo-ws-setting',
      file: 'bookinfo-ws.yaml',
      line: 16,
      column: 7,
    },
  ]);
});

test('a directory and stdin are read too', () => {
  const r = cli(['-f', '.', '-o', 'json']);
  assert.equal(JSON.parse(r.stdout).documents.length, 27);
  const stdin = cli(['-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  bogus: 1\n');
  assert.equal(stdin.code, 1);
  assert.match(stdin.stdout, /^<stdin>:5:3 error \[MB0104\] Namespace\/x: metadata\.bogus: unknown field$/m);
});

test('usage errors exit 2 with a clear message: a missing file, no -f, an unknown format', () => {
  const missing = cli(['-f', 'nope.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read nope\.yaml: no such file or directory/);
  assert.equal(missing.stdout, '');
  const none = cli([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no input: give at least one -f FILE/);
  const format = cli(['-f', 'sleep.yaml', '-o', 'xml']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown output format xml/);
});

test('a file over 5 MiB is refused with MB0005 without being read whole', () => {
  writeFileSync(join(dir, 'huge.yaml'), `# ${'x'.repeat(6 * 1024 * 1024)}\n`);
  const r = cli(['-f', 'huge.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^huge\.yaml:1:1 error \[MB0005\] input is \d+ bytes; the limit is 5242880$/m);
  rmSync(join(dir, 'huge.yaml'));
});
