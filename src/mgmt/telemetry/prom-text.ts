/**
 * A parser of the Prometheus text exposition format (version 0.0.4): `name{label="value",...} value [timestamp]`
 * lines, `#` comments (HELP/TYPE included) ignored. Pure and total: malformed lines are reported, never thrown,
 * so one bad line from one sidecar does not hide the rest of its metrics.
 */

/** One sample line. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Milliseconds since the epoch when the exposition carried one. */
  timestampMs?: number;
}

/** Parse result: the samples and the lines that could not be read (1-based line numbers). */
export interface ParsedExposition {
  samples: Sample[];
  errors: { line: number; message: string }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Reads `{a="x",b="y"}` starting at `pos` (at the `{`); returns the labels and the position after `}`. */
function parseLabels(line: string, pos: number): { labels: Record<string, string>; end: number } | string {
  const labels: Record<string, string> = {};
  let i = pos + 1;
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (name === undefined) return `bad label name at column ${i + 1}`;
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=') return `expected ="..." after label ${name}`;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return `expected ="..." after label ${name}`;
    i++;
    let value = '';
    for (;;) {
      const c = line[i];
      if (c === undefined) return `unterminated value of label ${name}`;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[i + 1];
        // The format escapes exactly these three; anything else is kept literally, as Prometheus does.
        value += next === 'n' ? '\n' : next === '\\' ? '\\' : next === '"' ? '"' : `\\${next ?? ''}`;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
    i++;
    while (line[i] === ' ') i++;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') return `expected , or } after label ${name}`;
  }
}

/** Parses one exposition body. */
export function parseExposition(text: string): ParsedExposition {
  const samples: Sample[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] ?? '').replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (name === undefined) {
      errors.push({ line: n + 1, message: 'expected a metric name' });
      continue;
    }
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      const parsed = parseLabels(line, name.length);
      if (typeof parsed === 'string') {
        errors.push({ line: n + 1, message: parsed });
        continue;
      }
      labels = parsed.labels;
      rest = line.slice(parsed.end);
    }
    const fields = rest.trim().split(/\s+/);
    const value = parseValue(fields[0] ?? '');
    if (value === undefined || fields.length > 2) {
      errors.push({ line: n + 1, message: `bad sample value ${JSON.stringify(rest.trim())}` });
      continue;
    }
    const sample: Sample = { name, labels, value };
    if (fields[1] !== undefined) {
      const ts = Number(fields[1]);
      if (!Number.isInteger(ts)) {
        errors.push({ line: n + 1, message: `bad timestamp ${JSON.stringify(fields[1])}` });
        continue;
      }
      sample.timestampMs = ts;
    }
    samples.push(sample);
  }
  return { samples, errors };
}
