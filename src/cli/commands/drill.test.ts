import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServiceRef } from './drill.js';

test('a drill names its service as SERVICE.NAMESPACE', () => {
  assert.deepEqual(parseServiceRef('details.bookinfo'), { name: 'details', namespace: 'bookinfo' });
  for (const bad of ['details', 'details.bookinfo.svc', 'Details.bookinfo', '.bookinfo', 'details.', 'a b.c'])
    assert.throws(() => parseServiceRef(bad), /expected SERVICE\.NAMESPACE/, bad);
});
