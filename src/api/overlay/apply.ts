/**
 * `applyOverlays`: Istio K8sObjectOverlay patches applied to a generated object, purely (the input is not
 * changed). Semantics follow istioctl's: missing map keys along the path are created; a list element must be
 * selected (by `[key:value]`, `[N]` or `[value]`) and a selector that matches nothing is an error; a patch with a
 * value sets (appending when the target is a list and the value is not), one without a value deletes.
 */
import type { Issue } from '../issues.js';
import { makeIssue } from '../issues.js';
import type { Overlay } from '../kinds/install/ingress-gateway.js';
import { parseOverlayPath, stepText, type OverlayStep } from './path.js';

/** The outcome: the patched object and how many overlays matched it, or the issues of the patches that failed. */
export type OverlayResult<T> = { ok: true; value: T; matched: number } | { ok: false; issues: Issue[] };

/** Options of applyOverlays. */
export interface ApplyOverlaysOptions {
  /** Field path of the overlay list in its object, for issue paths (default `spec.kubeSpec.overlays`). */
  basePath?: string;
  /** Kind and name of the object that holds the overlays, for issues. */
  owner?: { kind?: string; name?: string };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Container = Json[] | { [k: string]: Json };

const isMap = (v: unknown): v is { [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `a ${typeof v} (${JSON.stringify(v)})`;
}

function findInList(list: Json[], step: OverlayStep): number | string {
  switch (step.type) {
    case 'index':
      return step.index;
    case 'match': {
      const i = list.findIndex((el) => isMap(el) && el[step.key] !== undefined && String(el[step.key]) === step.value);
      return i >= 0 ? i : `no element with ${step.key}=${step.value}`;
    }
    case 'value': {
      let re: RegExp;
      try {
        re = new RegExp(step.pattern);
      } catch {
        return `invalid pattern ${JSON.stringify(step.pattern)}`;
      }
      const i = list.findIndex((el) => !isMap(el) && !Array.isArray(el) && re.test(String(el)));
      return i >= 0 ? i : `no element matches ${step.pattern}`;
    }
    case 'key':
      return `is a list: select an element with [key:value], [N] or [value] before ${JSON.stringify(step.key)}`;
  }
}

/** Applies one patch to `root` in place; returns an error message or undefined. */
function applyPatch(root: Container, steps: OverlayStep[], value: Json | undefined): string | undefined {
  let node: Container = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const last = i === steps.length - 1;
    const where = steps.slice(0, i).map(stepText).join('.') || '<root>';
    if (Array.isArray(node)) {
      const found = findInList(node, step);
      if (typeof found === 'string') return `${where} ${found}`;
      if (last) {
        if (value === undefined) {
          if (found < node.length) node.splice(found, 1);
        } else if (step.type === 'match' && isMap(node[found]) && isMap(value))
          node[found] = { ...(node[found] as object), ...value };
        else if (found >= node.length) node.push(value);
        else node[found] = value;
        return undefined;
      }
      if (found >= node.length) node.push({});
      const child = node[Math.min(found, node.length - 1)];
      if (child === null || typeof child !== 'object')
        return `${where}${stepText(step)} is ${describe(child)}, not a mapping or list`;
      node = child;
      continue;
    }
    if (step.type !== 'key') return `${where} is a mapping, not a list: ${stepText(step)} cannot select in it`;
    if (last) {
      const current = node[step.key];
      if (value === undefined) delete node[step.key];
      else if (Array.isArray(current) && !Array.isArray(value)) current.push(value);
      else node[step.key] = value;
      return undefined;
    }
    let child: Json | undefined = node[step.key];
    if (child === undefined || child === null) {
      const next = steps[i + 1]!;
      child = next.type === 'key' ? {} : [];
      node[step.key] = child;
    }
    if (typeof child !== 'object')
      return `${where === '<root>' ? '' : `${where}.`}${step.key} is ${describe(child)}, cannot descend into it`;
    node = child;
  }
  return undefined;
}

/**
 * Applies the overlays whose kind and name match `object` (as istioctl does; apiVersion is not compared). Every
 * failing patch is reported with the path of its `path` field; on any failure no patched object is returned.
 */
export function applyOverlays<T extends { kind: string; metadata?: { name?: string } }>(
  object: T,
  overlays: readonly Overlay[],
  options: ApplyOverlaysOptions = {},
): OverlayResult<T> {
  const base = options.basePath ?? 'spec.kubeSpec.overlays';
  const value = structuredClone(object) as unknown as Container;
  const issues: Issue[] = [];
  let matched = 0;
  overlays.forEach((overlay, oi) => {
    if (overlay.kind !== object.kind || overlay.name !== object.metadata?.name) return;
    matched++;
    (overlay.patches ?? []).forEach((patch, pi) => {
      const at = `${base}[${oi}].patches[${pi}].path`;
      const parsed = parseOverlayPath(patch.path);
      if (!parsed.ok) {
        issues.push(makeIssue('OVERLAY_PATH_SYNTAX', at, parsed.message, options.owner));
        return;
      }
      const v = patch.value === null ? undefined : (structuredClone(patch.value) as Json | undefined);
      const error = applyPatch(value, parsed.steps, v);
      if (error !== undefined)
        issues.push(
          makeIssue(
            'OVERLAY_CANNOT_APPLY',
            at,
            `cannot apply to ${object.kind}/${object.metadata?.name ?? ''}: ${error}`,
            options.owner,
          ),
        );
    });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value: value as unknown as T, matched };
}
