/** Warns about `${VAR}` left in string values: a shell substitution that did not happen (the seed uses ${ORG}). */
import { makeIssue, type Issue } from '../issues.js';
import { formatPath, type PathSegment } from '../path.js';

const PLACEHOLDER = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/** Every string (key or value) under `value` that still holds a `${VAR}` placeholder. */
export function findPlaceholders(value: unknown, who: { kind?: string; name?: string }): Issue[] {
  const out: Issue[] = [];
  const walk = (v: unknown, path: PathSegment[]): void => {
    if (typeof v === 'string') {
      const m = PLACEHOLDER.exec(v);
      if (m) out.push(makeIssue('PLACEHOLDER', formatPath(path), `${m[0]} was not substituted`, who));
    } else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
  return out;
}
