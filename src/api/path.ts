/**
 * Field paths: the segments of a path (`['spec', 'ports', 0, 'port']`) and their text form (`spec.ports[0].port`).
 * Keys that are not plain identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`.
 */

/** One step of a field path: a mapping key or a sequence index. */
export type PathSegment = string | number;

const PLAIN = /^[A-Za-z_$][\w$-]*$/;

/** The text form of a path. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The segments of a path produced by `formatPath` (the inverse; unparseable text gives undefined). */
export function parsePath(text: string): PathSegment[] | undefined {
  const out: PathSegment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      if (text[i + 1] === '"') {
        // A JSON string literal up to the closing quote that is followed by ']'.
        let j = i + 2;
        while (j < text.length && !(text[j] === '"' && text[j - 1] !== '\\' && text[j + 1] === ']')) j++;
        try {
          out.push(JSON.parse(text.slice(i + 1, j + 1)) as string);
        } catch {
          return undefined;
        }
        i = j + 2;
      } else {
        const end = text.indexOf(']', i);
        if (end < 0) return undefined;
        const n = Number(text.slice(i + 1, end));
        if (!Number.isInteger(n)) return undefined;
        out.push(n);
        i = end + 1;
      }
      continue;
    }
    const m = /^[A-Za-z_$][\w$-]*/.exec(text.slice(i));
    if (!m) return undefined;
    out.push(m[0]);
    i += m[0].length;
  }
  return out;
}
