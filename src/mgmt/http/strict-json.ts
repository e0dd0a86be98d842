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

/** One pass over one text: a recursive-descent reader that keeps its offset and the path of the current value. */
class Reader {
  private at = 0;
  private readonly path: PathSegment[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  /** The whole text as one value; throws a Refusal. */
  readDocument(): unknown {
    const value = this.readValue(1);
    this.skip();
    if (this.at < this.text.length) this.fail('syntax', 'unexpected text after the JSON value');
    return value;
  }

  private fail(reason: StrictJsonReason, message: string, offset = this.at): never {
    throw new Refusal(reason, message, offset, formatPath(this.path));
  }

  private skip(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  private expect(ch: string): void {
    if (this.text[this.at] !== ch) {
      this.fail('syntax', this.at >= this.text.length ? `expected '${ch}', found the end` : `expected '${ch}'`);
    }
    this.at++;
  }

  /** After a comma the list goes on (true); otherwise `close` must follow (false). */
  private more(close: string): boolean {
    this.skip();
    if (this.text[this.at] === ',') {
      this.at++;
      return true;
    }
    this.expect(close);
    return false;
  }

  private readString(): string {
    const { text } = this;
    const start = this.at;
    this.at++; // opening quote
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (Number.isNaN(code)) this.fail('syntax', 'unterminated string', start);
      if (code === 0x22) break;
      if (code < 0x20) this.fail('syntax', 'control character in a string');
      this.at += code === 0x5c ? 2 : 1;
    }
    this.at++;
    try {
      // The slice is a complete JSON string literal: let the built-in decode its escapes.
      return JSON.parse(text.slice(start, this.at)) as string;
    } catch {
      return this.fail('syntax', 'invalid escape in a string', start);
    }
  }

  private readValue(depth: number): unknown {
    this.skip();
    const ch = this.text[this.at];
    if (ch === '{' || ch === '[') {
      if (depth > this.maxDepth) this.fail('too-deep', `nesting deeper than ${this.maxDepth} levels`);
      return ch === '{' ? this.readObject(depth) : this.readArray(depth);
    }
    if (ch === '"') return this.readString();
    for (const [word, value] of WORDS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (m !== null) {
      this.at = NUMBER.lastIndex;
      return Number(m[0]);
    }
    return this.fail(
      'syntax',
      ch === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(ch)}`,
    );
  }

  private readObject(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.at++;
    this.skip();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    do {
      this.skip();
      if (this.text[this.at] !== '"') this.fail('syntax', 'expected a string key');
      const keyAt = this.at;
      const key = this.readString();
      this.path.push(key);
      // Refused before assignment: `out['__proto__'] = v` would replace the object's prototype.
      if (isForbiddenKey(key)) this.fail('forbidden-key', `key ${JSON.stringify(key)} is not allowed`, keyAt);
      if (Object.prototype.hasOwnProperty.call(out, key))
        this.fail('duplicate-key', `duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skip();
      this.expect(':');
      out[key] = this.readValue(depth + 1);
      this.path.pop();
    } while (this.more('}'));
    return out;
  }

  private readArray(depth: number): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.skip();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    do {
      this.path.push(out.length);
      out.push(this.readValue(depth + 1));
      this.path.pop();
    } while (this.more(']'));
    return out;
  }
}

const WORDS = [
  ['true', true],
  ['false', false],
  ['null', null],
] as const;

/** Parses `text` as one JSON value. Never throws. */
export function parseStrictJson(text: string, options: StrictJsonOptions): StrictJsonResult {
  try {
    return { ok: true, value: new Reader(text, options.maxDepth).readDocument() };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return {
      ok: false,
      error: { reason: err.reason, message: err.message, path: err.path, ...position(text, err.offset) },
    };
  }
}
