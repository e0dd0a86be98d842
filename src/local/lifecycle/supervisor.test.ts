import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POLICY, readTargets, restartDelayMs, supervisorPaths } from './supervisor.js';
import { readRecords } from '../runner/adoption.js';

test('restart delays: at once after a first crash, then doubling from 1 s up to the 30 s cap', () => {
  const table: Array<[number, number]> = [
    [0, 0],
    [1, 0],
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 8000],
    [6, 16_000],
    [7, 30_000],
    [50, 30_000],
  ];
  for (const [consecutive, delay] of table) {
    assert.equal(restartDelayMs(consecutive), delay, `${consecutive} crashes in a row`);
  }
  assert.equal(restartDelayMs(3, { ...DEFAULT_POLICY, baseMs: 100, maxMs: 150 }), 150);
});

test('the target list keeps well-formed cluster names and the control organization, and ignores the rest', () => {
  const home = mkdtempSync(join(tmpdir(), 'mb-targets-'));
  try {
    assert.deepEqual(readTargets(home), { clusters: [] }, 'no file: no targets');
    mkdirSync(supervisorPaths(home).dir);
    writeFileSync(
      supervisorPaths(home).targets,
      JSON.stringify({ clusters: ['cluster-1', '../etc', 7, 'UPPER'], control: { organization: 'tetrate' } }),
    );
    assert.deepEqual(readTargets(home), { clusters: ['cluster-1'], control: { organization: 'tetrate' } });
    writeFileSync(supervisorPaths(home).targets, '{ broken');
    assert.deepEqual(readTargets(home), { clusters: [] });
    writeFileSync(supervisorPaths(home).targets, JSON.stringify({ clusters: ['a'.repeat(70 * 1024)] }));
    assert.deepEqual(readTargets(home), { clusters: [] }, 'a file over the size limit is not parsed');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('pod process records: well-formed entries only; an older bare-pid file yields none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-records-'));
  const file = join(dir, 'pod-pids.json');
  try {
    writeFileSync(file, JSON.stringify([101, 102]));
    assert.deepEqual(readRecords(file), []);
    const good = { pid: 5, startTicks: 99, uid: 'u', container: 'app' };
    writeFileSync(file, JSON.stringify([good, { pid: 'x', startTicks: 1, uid: 'u', container: 'c' }, null]));
    assert.deepEqual(readRecords(file), [good]);
    assert.deepEqual(readRecords(join(dir, 'missing.json')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
