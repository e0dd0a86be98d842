import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuRate, usageQuantities, UsageMeter } from './metrics-api.js';

test('CPU is nanocores over the window and memory is Ki, as metrics-server writes them', () => {
  assert.equal(cpuRate({ cpuSeconds: 1, rssBytes: 0 }, { cpuSeconds: 1.5, rssBytes: 0 }, 1000), 5e8);
  assert.equal(cpuRate({ cpuSeconds: 1, rssBytes: 0 }, { cpuSeconds: 1.5, rssBytes: 0 }, 0), 0);
  assert.deepEqual(usageQuantities({ cpuNanoCores: 12_345_678.4, memoryBytes: 10 * 1024 + 1 }), {
    cpu: '12345678n',
    memory: '11Ki',
  });
});

test("a busy process's CPU matches what the kernel charged it; a gone one is left out", async () => {
  // Compared with this process's own CPU time over the same window (process.cpuUsage), not with a fixed share of a
  // core: on a loaded machine a spinning process gets much less than one core.
  const meter = new UsageMeter();
  const end = Date.now() + 700;
  const busy = new Promise<void>((resolve) => {
    const spin = (): void => {
      const until = Date.now() + 20;
      while (Date.now() < until);
      if (Date.now() < end) setImmediate(spin);
      else resolve();
    };
    spin();
  });
  const before = process.cpuUsage();
  const [{ usage, windowMs }] = await Promise.all([meter.measure([process.pid, 2 ** 22 + 7]), busy]);
  const charged = process.cpuUsage(before);
  assert.ok(windowMs >= 500, String(windowMs));
  const mine = usage.get(process.pid);
  assert.ok(mine, 'this process is measured');
  // The meter's window starts a little after `before` and ends a little before `charged`, and /proc counts in clock
  // ticks (10 ms): allow a wide margin, but the two must agree on the order of magnitude.
  const truth = ((charged.user + charged.system) * 1e6) / windowMs; // µs over ms -> nanocores over the window
  assert.ok(truth > 0, 'the spin was charged CPU time');
  assert.ok(
    mine.cpuNanoCores > truth * 0.4 && mine.cpuNanoCores < truth * 1.6,
    `meter ${mine.cpuNanoCores} vs kernel ${truth}`,
  );
  assert.ok(mine.memoryBytes > 1024 * 1024);
  assert.equal(usage.has(2 ** 22 + 7), false);
});
