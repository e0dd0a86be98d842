// One try's cancellation: one listener, called once, at once if already cancelled, never after the try ended.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TryCancel } from './try-cancel.js';

describe('TryCancel', () => {
  it('calls the listener once on cancel, and at once when registered after', () => {
    const c = new TryCancel();
    let calls = 0;
    c.onCancel(() => calls++);
    c.cancel();
    c.cancel();
    assert.equal(calls, 1);
    c.onCancel(() => calls++);
    assert.equal(calls, 2);
    assert.equal(c.cancelled, true);
  });

  it('calls nothing once the try has ended by itself (off)', () => {
    const c = new TryCancel();
    let calls = 0;
    c.onCancel(() => calls++);
    c.off();
    c.cancel();
    assert.equal(calls, 0);
  });
});
