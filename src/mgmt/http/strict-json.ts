/**
 * A strict JSON parser for request bodies. `JSON.parse` silently keeps the last of two equal keys (so a reviewer
 * reading the first one is misled) and nests as deep as the call stack allows; this parser refuses both, and refuses
 * the keys `__proto__`, `constructor` and `prototype` before they could name a property (src/api/object-paths.ts).
 * Every refusal says where: 1-based line and column in the text, and the field path of the offending value. Pure.
 */
import { isForbiddenKey } from '../../api/object-paths.js';
import { formatPath, type PathSegment } from '../../api/path.js';

/** Why a body was refused. */
export type StrictJsonReason = 'syntax' | 'duplicate-key' | 'too-deep' | 'forbidden-key';

/** A located refusal. `path` is the field path of the value being read (`''` for the top level). */
export interface StrictJsonError {
  reason: StrictJsonReason;
  message: string;
  line: number;
  column: number;
  path: string;
}

/** The parsed value, or where and why it was refused. */
export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; error: StrictJsonError };

/** Options of `parseStrictJson`. */
export interface StrictJsonOptions {
  /** Deepest nesting of objects and arrays (the top-level value is depth 1). */
  maxDepth: number;
}

class Refusal extends Error {
  constructor(
    readonly reason: StrictJsonReason,
    message: string,
    readonly offset: number,
    readonly path: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** 1-based line and column of `offset` in `text`. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parses `text` as one JSON value. Never throws. */
export function parseStrictJson(text: string, options: StrictJsonOptions): StrictJsonResult {
  let at = 0;
  const path: PathSegment[] = [];
  const fail = (reason: StrictJsonReason, message: string, offset = at): never => {
    throw new Refusal(reason, message, offset, formatPath(path));
  };
  const skip = (): void => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const expect = (ch: string): void => {
    if (text[at] !== ch) fail('syntax', at >= text.length ? `expected '${ch}', found the end` : `expected '${ch}'`);
    at++;
  };

  const readString = (): string => {
    const start = at;
    at++; // opening quote
    for (;;) {
      const code = text.charCodeAt(at);
      if (Number.isNaN(code)) fail('syntax', 'unterminated string', start);
      if (code === 0x22) break;
      if (code < 0x20) fail('syntax', 'control character in a string');
      at += code === 0x5c ? 2 : 1;
    }
    at++;
    try {
      // The slice is a complete JSON string literal: let the built-in decode its escapes.
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('syntax', 'invalid escape in a string', start);
    }
  };

  const readValue = (depth: number): unknown => {
    skip();
    const ch = text[at];
    if (ch === '{' || ch === '[') {
      if (depth > options.maxDepth) fail('too-deep', `nesting deeper than ${options.maxDepth} levels`);
      return ch === '{' ? readObject(depth) : readArray(depth);
    }
    if (ch === '"') return readString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (m !== null) {
      at = NUMBER.lastIndex;
      return Number(m[0]);
    }
    return fail('syntax', ch === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(ch)}`);
  };

  const readObject = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    at++;
    skip();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      skip();
      if (text[at] !== '"') fail('syntax', 'expected a string key');
      const keyAt = at;
      const key = readString();
      path.push(key);
      // Refused before assignment: `out['__proto__'] = v` would replace the object's prototype.
      if (isForbiddenKey(key)) fail('forbidden-key', `key ${JSON.stringify(key)} is not allowed`, keyAt);
      if (Object.prototype.hasOwnProperty.call(out, key))
        fail('duplicate-key', `duplicate key ${JSON.stringify(key)}`, keyAt);
      skip();
      expect(':');
      out[key] = readValue(depth + 1);
      path.pop();
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect('}');
      return out;
    }
  };

  const readArray = (depth: number): unknown[] => {
    const out: unknown[] = [];
    at++;
    skip();
    if (text[at] === ']') {
      at++;
      return out;
    }
    for (;;) {
      path.push(out.length);
      out.push(readValue(depth + 1));
      path.pop();
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect(']');
      return out;
    }
  };

  try {
    const value = readValue(1);
    skip();
    if (at < text.length) fail('syntax', 'unexpected text after the JSON value');
    return { ok: true, value };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return {
      ok: false,
      error: { reason: err.reason, message: err.message, path: err.path, ...position(text, err.offset) },
    };
  }
}
