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

test('a busy process measures CPU near one core; a gone one is left out', async () => {
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
  const [{ usage, windowMs }] = await Promise.all([meter.measure([process.pid, 2 ** 22 + 7]), busy]);
  assert.ok(windowMs >= 500, String(windowMs));
  const mine = usage.get(process.pid);
  assert.ok(mine, 'this process is measured');
  assert.ok(mine.cpuNanoCores > 0.3e9, `cpu ${mine.cpuNanoCores}`);
  assert.ok(mine.memoryBytes > 1024 * 1024);
  assert.equal(usage.has(2 ** 22 + 7), false);
});
