/**
 * The README's promises that a newcomer relies on: its first lines are the two commands, `npm start` is the demo
 * the walkthrough test runs, the walkthrough by hand applies the repository's own examples, and CI runs the
 * README's test command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from '../support/paths.js';
import { buildProgram } from '../../src/cli/program.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

test('the README starts with the set-up-and-run and set-up-and-test commands', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const commands = firstBlock
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter(Boolean);
  assert.deepEqual(commands, ['npm ci && npm start', 'npm ci && npm test']);
  assert.ok(readme.indexOf('```sh') < readme.indexOf('\n## '), 'the commands come before any section');
});

test('npm start runs the demo, whose steps are the ones the walkthrough test runs', () => {
  assert.equal(pkg.scripts.start, 'node bin/meshbridge.js demo');
  const walkthrough = readFileSync(join(REPO_ROOT, 'test', 'e2e', 'walkthrough.test.ts'), 'utf8');
  assert.match(walkthrough, /new Walkthrough\(/);
  const demo = readFileSync(join(REPO_ROOT, 'src', 'cli', 'commands', 'demo.ts'), 'utf8');
  assert.match(demo, /new Walkthrough\(/);
});

test("the walkthrough by hand applies only the repository's examples, and every file it names exists", () => {
  const section = readme.slice(
    readme.indexOf('## The walkthrough by hand'),
    readme.indexOf('\n## ', readme.indexOf('## The walkthrough by hand') + 1),
  );
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const files = [...block.matchAll(/ -f (\S+)/g)].map((m) => m[1] as string);
  assert.ok(files.length >= 6, `found ${files.length} files`);
  for (const f of files) {
    assert.match(f, /^examples\/bookinfo\/[a-z-]+\.yaml$/, `${f} is one of the examples`);
    assert.ok(existsSync(join(REPO_ROOT, f)), `${f} exists`);
  }
  assert.doesNotMatch(block, /\$\{ORG\}|\$\{TEN\}|sed /, 'the examples apply as they are, with nothing to substitute');
});

test('every example file the README and examples/README.md name exists', () => {
  const examplesReadme = readFileSync(join(REPO_ROOT, 'examples', 'README.md'), 'utf8');
  const named = [...`${readme}\n${examplesReadme}`.matchAll(/examples\/bookinfo\/([a-z-]+\.yaml)/g)].map(
    (m) => m[1] as string,
  );
  const listed = [...examplesReadme.matchAll(/^\| `([a-z-]+\.yaml)` \|/gm)].map((m) => m[1] as string);
  assert.ok(listed.length >= 8, `examples/README.md lists ${listed.length} files`);
  for (const f of new Set([...named, ...listed])) assert.ok(existsSync(join(REPO_ROOT, 'examples', 'bookinfo', f)), f);
});

test('CI runs the README test command', () => {
  const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
  assert.match(ci, /^npm ci && npm test$/m);
});

test('every meshbridge command the README shows is one the CLI knows', () => {
  const program = buildProgram();
  const known = new Set(program.commands.map((c) => c.name()));
  const code = [...readme.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '').join('\n');
  const shown = [...code.matchAll(/^(?:npx )?meshbridge (?:--cluster \S+ )?([a-z]+)/gm)].map((m) => m[1] as string);
  assert.ok(shown.length > 10, `found ${shown.length} commands`);
  const unknown = shown.filter((c) => !known.has(c));
  assert.deepEqual([...new Set(unknown)], []);
});

test('no tracked file carries a merge-conflict marker', () => {
  const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const marked = files.filter((f) => {
    if (/\.(png|db|ico)$/.test(f)) return false;
    const text = readFileSync(join(REPO_ROOT, f), 'utf8');
    return /^(<{7} |>{7} |={7}$)/m.test(text);
  });
  assert.deepEqual(marked, []);
});
