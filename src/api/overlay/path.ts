/**
 * Istio's K8sObjectOverlay path syntax, as `istioctl` reads it: dot-separated map keys
 * (`spec.template.metadata.labels.istio-locality`), list selectors `[key:value]` (the element whose `key` equals
 * `value`), `[N]` (index N; past the end appends) and `[value]` / `[:value]` (the scalar element matching the
 * regular expression `value`). Selectors may follow a key directly (`containers[name:proxy]`) or as their own
 * element (`containers.[name:proxy]`). `\.` and `\:` escape the separators.
 */

/** One step of an overlay path. */
export type OverlayStep =
  | { type: 'key'; key: string }
  | { type: 'index'; index: number }
  | { type: 'match'; key: string; value: string }
  | { type: 'value'; pattern: string };

/** A parsed path, or where and why it does not parse. */
export type ParsedOverlayPath = { ok: true; steps: OverlayStep[] } | { ok: false; message: string };

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

function selector(body: string): OverlayStep | string {
  if (body === '') return 'empty selector []';
  if (/^\d+$/.test(body)) return { type: 'index', index: Number(body) };
  // Split at the first unescaped ':'.
  const m = /^((?:\\.|[^:\\])*):(.*)$/.exec(body);
  if (!m) return { type: 'value', pattern: unescape(body) };
  const key = unescape(m[1] ?? '');
  const value = unescape(m[2] ?? '');
  if (key === '') return value === '' ? 'empty selector [:]' : { type: 'value', pattern: value };
  return { type: 'match', key, value };
}

/** Parses an overlay path. */
export function parseOverlayPath(path: string): ParsedOverlayPath {
  const steps: OverlayStep[] = [];
  let i = 0;
  let expectElement = true;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (expectElement) return { ok: false, message: `empty element at character ${i + 1}` };
      expectElement = true;
      i++;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      while (j < path.length && path[j] !== ']') j += path[j] === '\\' ? 2 : 1;
      if (j >= path.length) return { ok: false, message: `unclosed [ at character ${i + 1}` };
      const step = selector(path.slice(i + 1, j));
      if (typeof step === 'string') return { ok: false, message: `${step} at character ${i + 1}` };
      steps.push(step);
      expectElement = false;
      i = j + 1;
      continue;
    }
    if (c === ']') return { ok: false, message: `unexpected ] at character ${i + 1}` };
    if (!expectElement) return { ok: false, message: `expected "." or "[" at character ${i + 1}` };
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[' && path[j] !== ']') j += path[j] === '\\' ? 2 : 1;
    steps.push({ type: 'key', key: unescape(path.slice(i, j)) });
    expectElement = false;
    i = j;
  }
  if (steps.length === 0) return { ok: false, message: 'empty path' };
  if (expectElement) return { ok: false, message: 'path ends with "."' };
  return { ok: true, steps };
}

/** The text of one step, for messages. */
export function stepText(step: OverlayStep): string {
  switch (step.type) {
    case 'key':
      return step.key;
    case 'index':
      return `[${step.index}]`;
    case 'match':
      return `[${step.key}:${step.value}]`;
    case 'value':
      return `[${step.pattern}]`;
  }
}
