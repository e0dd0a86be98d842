/**
 * 10,000 generated request bodies (fast-check) against the real management API (fastify inject into the running
 * server, real store): objects with keys drawn partly from `__proto__`/`constructor`/`prototype`, duplicate keys
 * and deep nesting. No request crashes the server (no 5xx), every body holding a forbidden key is refused, a 422
 * names a path ending at such a key, nothing pollutes Object.prototype, and every later request is served.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { call, org, startTestMgmt } from '../mgmt/support/harness.js';
import type { TestMgmt } from '../mgmt/support/harness.js';

/** A JSON tree written out by hand, so that keys may repeat (JSON.stringify could not say that). */
type Node = { t: 'obj'; entries: [string, Node][] } | { t: 'arr'; items: Node[] } | { t: 'leaf'; value: unknown };

const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];
const key = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FORBIDDEN) },
  { weight: 3, arbitrary: fc.constantFrom('objects', 'metadata', 'name', 'kind', 'spec', 'a') },
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
);
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      t: fc.constant('leaf' as const),
      value: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null)),
    }),
    fc.record({ t: fc.constant('obj' as const), entries: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }) }),
    fc.record({ t: fc.constant('arr' as const), items: fc.array(tie('node'), { maxLength: 3 }) }),
  ),
}));

function write(n: Node): string {
  switch (n.t) {
    case 'leaf':
      return JSON.stringify(n.value);
    case 'arr':
      return `[${n.items.map(write).join(',')}]`;
    case 'obj':
      return `{${n.entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v)}`).join(',')}}`;
  }
}
function hasForbidden(n: Node): boolean {
  if (n.t === 'arr') return n.items.some(hasForbidden);
  if (n.t === 'obj') return n.entries.some(([k, v]) => FORBIDDEN.includes(k) || hasForbidden(v));
  return false;
}
function hasDuplicate(n: Node): boolean {
  if (n.t === 'arr') return n.items.some(hasDuplicate);
  if (n.t === 'obj')
    return new Set(n.entries.map(([k]) => k)).size < n.entries.length || n.entries.some(([, v]) => hasDuplicate(v));
  return false;
}

let m: TestMgmt;
before(async () => {
  m = await startTestMgmt();
  assert.equal(
    (await call(m.url, 'POST', '/v2/apply', { token: m.adminToken, body: { objects: [org('o')] } })).status,
    200,
  );
});
after(async () => m?.close());

test('10,000 generated bodies: no crash, forbidden keys always refused with their path, no pollution, later requests served', async () => {
  const app = m.running.app;
  const auth = { authorization: `Bearer ${m.adminToken}`, 'content-type': 'application/json' };
  const statuses = new Map<number, number>();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({ objects: fc.array(node, { maxLength: 3 }), extra: node, nest: fc.nat({ max: 130 }) }),
      async ({ objects, extra, nest }) => {
        runs++;
        const root: Node = {
          t: 'obj',
          entries: [
            ['objects', { t: 'arr', items: objects }],
            ['x', extra],
          ],
        };
        const text = nest > 0 && nest % 7 === 0 ? `${'['.repeat(nest)}${write(root)}${']'.repeat(nest)}` : write(root);
        const res = await app.inject({ method: 'POST', url: '/v2/apply', headers: auth, payload: text });
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `no crash: ${res.statusCode} ${res.body}`);
        if (hasForbidden(root))
          assert.ok([400, 422].includes(res.statusCode), `forbidden key refused: ${res.statusCode}`);
        if (res.statusCode === 422) {
          const body = res.json() as { code: string; message: string };
          assert.equal(body.code, 'MB9012');
          assert.match(body.message, /(^|\.|\])(__proto__|constructor|prototype): key "/);
        }
        if (!hasForbidden(root) && !hasDuplicate(root) && res.statusCode === 400) {
          assert.notEqual((res.json() as { code: string }).code, 'MB9012');
        }
        assert.deepEqual(
          Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN.has(k)),
          [],
        );
        if (runs % 1000 === 0) {
          const later = await app.inject({ method: 'GET', url: '/v2/objects?kind=Organization', headers: auth });
          assert.equal(later.statusCode, 200);
        }
      },
    ),
    { numRuns: 10_000 },
  );
  assert.equal(runs, 10_000);
  // The generator reached every refusal: forbidden keys, duplicates and depth, and well-formed bodies too.
  for (const s of [400, 422]) assert.ok((statuses.get(s) ?? 0) > 100, `${s} seen: ${JSON.stringify([...statuses])}`);
  const later = await call(m.url, 'GET', '/v2/objects', { token: m.adminToken });
  assert.equal(later.status, 200, 'served over the socket after the run');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
