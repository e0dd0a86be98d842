/** Turns zod's issues into catalogue issues: the right code, a readable message, one issue per unknown field. */
import type { z } from 'zod';
import { makeIssue, type Issue } from './issues.js';
import { formatPath, type PathSegment } from './path.js';

type Who = { kind?: string | undefined; name?: string | undefined };

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** How a value is called in messages (`string`, `number`, `array`, `mapping`, `null`). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a sequence';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping',
  array: 'a sequence',
  record: 'a mapping',
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
};

/** Converts zod issues (paths relative to `input`) into catalogue issues. */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], input: unknown, who: Who): Issue[] {
  const out: Issue[] = [];
  for (const zi of issues) {
    const path = zi.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const at = formatPath(path);
    switch (zi.code) {
      case 'invalid_type': {
        const actual = valueAt(input, path);
        if (actual === undefined) out.push(makeIssue('REQUIRED', at, 'required', who));
        else {
          const expected = EXPECTED[zi.expected] ?? zi.expected;
          out.push(makeIssue('WRONG_TYPE', at, `expected ${expected}, got ${describeType(actual)}`, who));
        }
        break;
      }
      case 'unrecognized_keys':
        for (const key of zi.keys)
          out.push(makeIssue('UNKNOWN_FIELD', formatPath([...path, key]), 'unknown field', who));
        break;
      case 'invalid_value': {
        const allowed = zi.values.map((v) => JSON.stringify(v)).join(', ');
        out.push(makeIssue('INVALID_VALUE', at, `must be ${zi.values.length === 1 ? '' : 'one of '}${allowed}`, who));
        break;
      }
      case 'too_small':
      case 'too_big': {
        const limit = zi.code === 'too_small' ? zi.minimum : zi.maximum;
        const word = zi.code === 'too_small' ? 'at least' : 'at most';
        const unit =
          zi.origin === 'array'
            ? ' item(s)'
            : zi.origin === 'string'
              ? ' character(s)'
              : zi.origin === 'number' || zi.origin === 'int'
                ? ''
                : '';
        const what = zi.origin === 'array' || zi.origin === 'string' ? 'must have' : 'must be';
        out.push(makeIssue('OUT_OF_RANGE', at, `${what} ${word} ${String(limit)}${unit}`, who));
        break;
      }
      case 'invalid_format':
        out.push(makeIssue('INVALID_FORMAT', at, zi.message, who));
        break;
      case 'invalid_key':
        out.push(makeIssue('INVALID_FORMAT', at, zi.issues[0]?.message ?? zi.message, who));
        break;
      case 'invalid_union':
      case 'invalid_element':
        if (valueAt(input, path) === undefined) out.push(makeIssue('REQUIRED', at, 'required', who));
        else out.push(makeIssue('WRONG_TYPE', at, zi.message, who));
        break;
      case 'custom':
        // A refinement may name the catalogue entry it reports (`params.code`); otherwise the value is not allowed.
        out.push(makeIssue(zi.params?.code === 'OUT_OF_RANGE' ? 'OUT_OF_RANGE' : 'INVALID_VALUE', at, zi.message, who));
        break;
      default:
        out.push(makeIssue('INVALID_VALUE', at, zi.message, who));
    }
  }
  return out;
}
