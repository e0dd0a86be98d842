import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatCpu, parseStatusRss, sampleProcess } from './proc-stats.js';

test('CPU seconds are utime + stime of /proc/<pid>/stat, even when the command name has spaces and parens', () => {
  const rest = 'S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0 100 1000 200';
  assert.equal(parseStatCpu(`123 (node) ${rest}`), 3);
  assert.equal(parseStatCpu(`123 (a) b (c) ${rest}`), 3);
  assert.equal(parseStatCpu('garbage'), undefined);
  assert.equal(parseStatCpu('1 (x) S 1 2'), undefined);
});

test('RSS is VmRSS of /proc/<pid>/status in bytes; a zombie without VmRSS is 0', () => {
  assert.equal(parseStatusRss('Name:\tnode\nVmRSS:\t   51200 kB\nThreads: 7\n'), 51200 * 1024);
  assert.equal(parseStatusRss('Name:\tnode\nState:\tZ (zombie)\n'), 0);
});

test('this process can be sampled and a missing one cannot', () => {
  const me = sampleProcess(process.pid);
  assert.ok(me && me.rssBytes > 1024 * 1024 && me.cpuSeconds > 0, JSON.stringify(me));
  assert.equal(sampleProcess(2 ** 22 + 7), undefined);
});
