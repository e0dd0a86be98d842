/**
 * Property test of object paths on a local cluster's API: 10,000 generated JSON patches, merge and strategic merge
 * patches, apply bodies and create/replace bodies (JSON and YAML), many naming `__proto__`, `constructor` or
 * `prototype`, sent over a real socket to a real API server in this process. None crashes the server or answers
 * 500; every one that names a forbidden key is refused with 422 (MB0010); the process's prototypes stay clean;
 * and creates and updates are still served afterwards.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApi, dig, type TestApi } from '../local/api-support.js';

const RUNS = 10_000;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'metadata',
  'labels',
  'annotations',
  'spec',
  'ports',
  'port',
  'name',
  'polluted',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '$patch',
  '$retainKeys',
  '$setElementOrder/ports',
  '$deleteFromPrimitiveList/__proto__',
  '0',
  '-',
  'a~b',
];

/** A JSON value whose objects are key/value pair lists, so a `__proto__` key survives as text. */
type Gen = null | boolean | number | string | Gen[] | { pairs: [string, Gen][] };

const { value: genValue } = fc.letrec<{ value: Gen }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 100 }),
    fc.constantFrom('x', 'replace', 'delete', '1', 'merge'),
    fc.array(tie('value'), { maxLength: 3 }),
    // Unique keys: a duplicate key is malformed YAML (400) before any key is looked at.
    fc.record({
      pairs: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('value')), {
        maxLength: 4,
        selector: ([k]) => k,
      }),
    }),
  ),
}));

function text(v: Gen): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
  return `{${v.pairs.map(([k, x]) => `${JSON.stringify(k)}:${text(x)}`).join(',')}}`;
}

function hasForbidden(v: Gen): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasForbidden);
  return v.pairs.some(([k, x]) => FORBIDDEN.has(k) || hasForbidden(x));
}

const pointer = fc.array(fc.constantFrom(...KEYS), { maxLength: 4 });
const escape = (seg: string): string => seg.replace(/~/g, '~0').replace(/\//g, '~1');
const op = fc.record({
  op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'),
  path: pointer,
  from: pointer,
  value: genValue,
});

interface Case {
  method: 'PATCH' | 'POST' | 'PUT';
  type: string;
  body: string;
  forbidden: boolean;
}

const jsonPatchCase = fc.array(op, { minLength: 1, maxLength: 3 }).map((ops): Case => {
  const body = `[${ops
    .map(
      (o) =>
        `{"op":${JSON.stringify(o.op)},"path":${JSON.stringify(o.path.map((s) => `/${escape(s)}`).join(''))},` +
        `"from":${JSON.stringify(o.from.map((s) => `/${escape(s)}`).join(''))},"value":${text(o.value)}}`,
    )
    .join(',')}]`;
  const forbidden = ops.some(
    (o) => o.path.some((s) => FORBIDDEN.has(s)) || o.from.some((s) => FORBIDDEN.has(s)) || hasForbidden(o.value),
  );
  return { method: 'PATCH', type: 'application/json-patch+json', body, forbidden };
});

/** A Service-shaped object with a generated part spliced into metadata or spec. */
const objectCase = fc
  .tuple(
    fc.constantFrom(
      { method: 'PATCH' as const, type: 'application/merge-patch+json' },
      { method: 'PATCH' as const, type: 'application/strategic-merge-patch+json' },
      { method: 'PATCH' as const, type: 'application/apply-patch+yaml' },
      { method: 'POST' as const, type: 'application/json' },
      { method: 'POST' as const, type: 'application/yaml' },
      { method: 'PUT' as const, type: 'application/json' },
    ),
    fc.constantFrom('metadata', 'spec', 'top'),
    genValue,
  )
  .map(([how, where, extra]): Case => {
    const name = how.method === 'POST' ? 'generated' : 'target';
    const wrapped: Gen =
      where === 'top'
        ? extra
        : {
            pairs: [
              ['apiVersion', 'v1'],
              ['kind', 'Service'],
              [
                'metadata',
                where === 'metadata'
                  ? {
                      pairs: [
                        ['name', name],
                        ['labels', extra],
                      ],
                    }
                  : { pairs: [['name', name]] },
              ],
              [
                'spec',
                where === 'spec'
                  ? {
                      pairs: [
                        ['ports', [{ pairs: [['port', 80]] }]],
                        ['x', extra],
                      ],
                    }
                  : { pairs: [['ports', [{ pairs: [['port', 80]] }]]] },
              ],
            ],
          };
    return { ...how, body: text(wrapped), forbidden: hasForbidden(wrapped) };
  });

let api: TestApi;
const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const SVC = '/api/v1/namespaces/bookinfo/services';
const service = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { ports: [{ port: 80 }] },
});

before(async () => {
  api = await startTestApi();
});
after(() => api.close());

test(`${RUNS} generated patches and bodies: no crash, no 500, forbidden keys refused (MB0010), no pollution`, async (t) => {
  let refusedForbidden = 0;
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(jsonPatchCase, objectCase), async (c) => {
      if (!api.store.get({ group: '', plural: 'services' }, 'bookinfo', 'target')) {
        assert.equal((await api.call('POST', SVC, service('target'))).status, 201);
      }
      const path = c.method === 'POST' ? SVC : `${SVC}/target${c.type.includes('apply') ? '?fieldManager=p' : ''}`;
      const res = await api.call(c.method, path, c.body, { 'content-type': c.type });
      sent++;
      assert.notEqual(res.status, 500, `${c.method} ${c.type} ${c.body} -> ${JSON.stringify(res.body)}`);
      assert.ok([200, 201, 400, 404, 409, 422].includes(res.status), `status ${res.status} for ${c.body}`);
      if (c.forbidden) {
        assert.equal(res.status, 422, `${c.body} -> ${JSON.stringify(res.body)}`);
        assert.match(String(dig(res.body, 'message')), /MB0010/);
        refusedForbidden++;
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), PROTO_KEYS);
      if (c.method === 'POST' && res.status === 201) await api.call('DELETE', `${SVC}/generated`);
    }),
    { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
  );
  assert.equal(sent, RUNS);
  t.diagnostic(`${sent} requests, ${refusedForbidden} named a forbidden key and were refused with 422`);
  // A large share of the generated inputs name a forbidden key; each of those was refused.
  assert.ok(refusedForbidden > RUNS / 10, `only ${refusedForbidden} inputs carried a forbidden key`);
  // Later requests are still served.
  assert.equal((await api.call('POST', SVC, service('still-served'))).status, 201);
  const res = await api.call('PATCH', `${SVC}/still-served`, '{"metadata":{"labels":{"ok":"yes"}}}', {
    'content-type': 'application/merge-patch+json',
  });
  assert.equal(res.status, 200);
  assert.equal(dig(res.body, 'metadata.labels.ok'), 'yes');
});
