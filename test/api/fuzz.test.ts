import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { CODE_LIST, PARSE_LIMITS, formatIssue, validateSources } from '../../src/api/index.js';
import { k8sKinds } from './corpus-k8s.js';
import { meshKinds } from './corpus-mesh.js';

// Generated malformed documents, by class. Every one must be rejected (ok false) with at least one error carrying a
// catalogue code and a file:line:col location, the class's own code among them, and nothing may throw.

// Validating documents can only give configuration codes (MB00xx-MB04xx).
const KNOWN = new Set(CODE_LIST.map((c) => c.code).filter((c) => /^MB0[0-4]/.test(c)));
const validObject = fc.oneof(...Object.values({ ...k8sKinds, ...meshKinds })) as fc.Arbitrary<Record<string, unknown>>;
const validYaml = validObject.map((o) => stringify(o));
let checked = 0;

/** Validates `text` as file `bad.yaml` and checks the rejection; returns the errors for class-specific checks. */
function rejected(text: string, expectedCode: string) {
  const result = validateSources([{ file: 'bad.yaml', text }]);
  assert.equal(result.ok, false, `accepted:\n${text.slice(0, 400)}`);
  assert.ok(result.errors.length > 0);
  for (const e of result.errors) {
    assert.ok(KNOWN.has(e.code), e.code);
    assert.equal(e.file, 'bad.yaml');
    assert.ok(Number.isInteger(e.line) && e.line >= 1 && Number.isInteger(e.column) && e.column >= 1, formatIssue(e));
    assert.match(formatIssue(e), /^bad\.yaml:\d+:\d+ error \[MB\d{4}\] /);
  }
  const codes = result.errors.map((e) => e.code);
  assert.ok(
    codes.includes(expectedCode),
    `expected ${expectedCode}, got ${codes.join(' ')} for:\n${text.slice(0, 300)}`,
  );
  checked++;
  return result.errors;
}

function run<T extends [unknown, ...unknown[]]>(name: string, numRuns: number, property: fc.IProperty<T>): void {
  test(`${name} (${numRuns} generated documents)`, () => fc.assert(property, { numRuns, seed: 20260 }));
}

const breakers = [
  'zz: [1, 2',
  'zz: "unterminated',
  'zz: {a: 1',
  '\tzz: 1',
  ' - misplaced: item',
  'zz: ]',
  'zz: @reserved',
];
run(
  'broken YAML syntax is refused as MB0001',
  150,
  fc.property(validYaml, fc.constantFrom(...breakers), fc.nat(), (text, breaker, at) => {
    const lines = text.trimEnd().split('\n');
    const i = 1 + (at % lines.length);
    rejected([...lines.slice(0, i), breaker, ...lines.slice(i)].join('\n'), 'MB0001');
  }),
);

const unknownKey = fc.stringMatching(/^x[a-zA-Z]{2,10}$/);
run(
  'unknown fields are each reported as MB0104 at their path',
  200,
  fc.property(
    validObject,
    fc.uniqueArray(unknownKey, { minLength: 1, maxLength: 3 }),
    fc.constantFrom('', 'metadata', 'spec'),
    (original, keys, where) => {
      const obj = structuredClone(original);
      const target = (where === '' ? obj : obj[where]) as Record<string, unknown> | undefined;
      const host = target && typeof target === 'object' ? target : obj;
      const prefix = host === obj ? '' : `${where}.`;
      for (const k of keys) host[k] = 1;
      const errors = rejected(stringify(obj), 'MB0104');
      const paths = errors.filter((e) => e.code === 'MB0104').map((e) => e.path);
      for (const k of keys) assert.ok(paths.includes(`${prefix}${k}`), `${prefix}${k} not in ${paths.join(', ')}`);
    },
  ),
);

const wrongValue = fc.constantFrom<unknown>(42, 3.5, true, ['a'], { a: 'b' }, 'text');
run(
  'wrong types are reported as MB0103 at the field',
  250,
  fc.property(
    validObject,
    fc.constantFrom('apiVersion', 'metadata', 'metadata.name', 'spec', 'metadata.labels'),
    wrongValue,
    (original, field, value) => {
      const obj = structuredClone(original);
      const [a, b] = field.split('.') as [string, string | undefined];
      const current = b === undefined ? obj[a] : (obj[a] as Record<string, unknown>)[b];
      const expectsString = field === 'apiVersion' || field === 'metadata.name';
      const expectsMap = !expectsString;
      // Only a value of another type than the field's is a wrong type.
      if (
        (expectsString && typeof value === 'string') ||
        (expectsMap && typeof value === 'object' && !Array.isArray(value))
      )
        return;
      if (b === undefined) obj[a] = value;
      else (obj[a] as Record<string, unknown>)[b] = value;
      // A kind without a spec (ServiceAccount, Endpoints, EndpointSlice, Event) reports an added one as unknown rather than mistyped.
      const code =
        current === undefined &&
        field === 'spec' &&
        !('spec' in original) &&
        ['ServiceAccount', 'Endpoints', 'EndpointSlice', 'Event'].includes(String(obj.kind))
          ? 'MB0104'
          : 'MB0103';
      const errors = rejected(stringify(obj), code);
      assert.ok(
        errors.some((e) => e.code === code && e.path === field),
        field,
      );
    },
  ),
);

run(
  'alias bombs are refused as MB0003',
  100,
  fc.property(fc.integer({ min: 5, max: 12 }), fc.integer({ min: 4, max: 9 }), (width, depth) => {
    const lines = ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: bomb', 'x0: &x0 "lol"'];
    for (let d = 1; d <= depth; d++)
      lines.push(
        `x${d}: &x${d} [${Array(width)
          .fill(`*x${d - 1}`)
          .join(', ')}]`,
      );
    rejected(lines.join('\n'), 'MB0003');
  }),
);

run(
  'nesting deeper than the limit, in flow or block style, is refused as MB0004',
  100,
  fc.property(fc.integer({ min: PARSE_LIMITS.maxDepth + 1, max: 20_000 }), fc.boolean(), (depth, flow) => {
    const header = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: deep\n';
    const body = flow
      ? `spec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
      : Array.from({ length: Math.min(depth, 600) }, (_, i) => `${'  '.repeat(i)}a${i}:`).join('\n') + ' 1\n';
    rejected(header + body, 'MB0004');
  }),
);

run(
  'inputs over 5 MiB are refused as MB0005 before parsing',
  40,
  fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('# ', 'a: ', '- '), (extra, filler) => {
    rejected(filler + 'x'.repeat(PARSE_LIMITS.maxBytes + extra), 'MB0005');
  }),
);

run(
  'values outside their set, range or format are refused (MB0105, MB0106, MB0107)',
  150,
  fc.property(
    fc.constantFrom(
      [
        'MB0106',
        'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: PORT}]}',
        ['0', '65536', '70000', '-1'],
      ],
      [
        'MB0105',
        'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: VALUE}',
        ['Internal', 'clusterip', 'LB'],
      ],
      [
        'MB0107',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: "VALUE"}',
        ['Bad_Name', 'UPPER', '-lead', 'trail-'],
      ],
      [
        'MB0107',
        'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\nspec: {host: h, trafficPolicy: {outlierDetection: {interval: "VALUE"}}}',
        ['10', '10 s', 'ten', '1d'],
      ],
    ),
    fc.nat(),
    ([code, template, values], pick) => {
      const value = values[pick % values.length]!;
      rejected(template.replace(/PORT|VALUE/, value), code);
    },
  ),
);

run(
  'documents that are not mappings are refused as MB0006',
  60,
  fc.property(
    fc.oneof(fc.array(fc.string(), { minLength: 1 }), fc.integer(), fc.stringMatching(/^[a-z]{1,10}$/)),
    (value) => {
      rejected(stringify(value), 'MB0006');
    },
  ),
);

run(
  'duplicate keys are refused as MB0002',
  100,
  fc.property(validYaml, fc.nat(), (text, at) => {
    const top = text.split('\n').filter((l) => /^[A-Za-z]\w*:/.test(l));
    const dup = top[at % top.length]!;
    rejected(`${text.trimEnd()}\n${dup.split(':')[0]}: again\n`, 'MB0002');
  }),
);

test('at least 1,000 malformed documents were generated and rejected', () => {
  assert.ok(checked >= 1000, `only ${checked}`);
});
