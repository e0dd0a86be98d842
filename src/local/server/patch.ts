/**
 * The patch formats kubectl and client-node send: JSON merge patch (RFC 7386), Kubernetes strategic merge patch
 * (enough of it for `kubectl apply`, `scale`, `label`, `annotate` on the kinds served here) and JSON patch
 * (RFC 6902). Pure functions over plain JSON values; they never mutate their inputs. They read own properties only
 * and refuse `__proto__`, `constructor` and `prototype` keys and pointer segments (MB0010) themselves, although
 * request bodies are checked before they get here: a patch must never reach an object's prototype.
 */
import { isForbiddenKey } from '../../api/index.js';
import { forbiddenKeyError, pointerSegments } from './forbidden-keys.js';
import { ApiError } from './status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The own property `key` of an object (never an inherited one such as `toString`). */
function own(obj: JsonObject, key: string): Json | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function refuseKey(key: string): void {
  if (isForbiddenKey(key)) throw forbiddenKeyError(key);
}

/** RFC 7386: objects merge recursively, `null` deletes, anything else (arrays too) replaces. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    refuseKey(key);
    if (value === null) delete out[key];
    else out[key] = jsonMergePatch(own(out, key), value) as Json;
  }
  return out;
}

/**
 * Merge keys of the list fields the served kinds use (Kubernetes' `patchMergeKey` tags). A list field not named
 * here is replaced as a whole, as strategic merge patch does for lists without a merge key.
 */
function mergeKeyFor(field: string, items: Json[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'conditions':
      return 'type';
    case 'ownerReferences':
      return 'uid';
    case 'ports':
      // Container ports merge on containerPort, Service ports on port.
      return items.some((i) => isObject(i) && 'containerPort' in i) ? 'containerPort' : 'port';
    default:
      return undefined;
  }
}

function mergeList(field: string, current: Json[] | undefined, patch: Json[], order?: Json[]): Json[] {
  const key = mergeKeyFor(field, [...patch, ...(current ?? [])]);
  const objects = patch.every(isObject) && (current ?? []).every(isObject);
  if (!key || !objects) return patch.filter((p) => !(isObject(p) && p.$patch === 'delete'));
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && '$patch' in p));
  }
  const out: JsonObject[] = (current ?? []).map((c) => c as JsonObject);
  for (const item of patch as JsonObject[]) {
    const index = out.findIndex((c) => c[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergePatch(out[index], item) as JsonObject;
    } else {
      out.push(strategicMergePatch(undefined, item) as JsonObject);
    }
  }
  if (order) {
    // `$setElementOrder` lists the merge keys in the wanted order; items not named keep their place at the end.
    const rank = new Map(order.map((o, i) => [isObject(o) ? o[key] : o, i]));
    out.sort((a, b) => (rank.get(a[key]) ?? Infinity) - (rank.get(b[key]) ?? Infinity));
  }
  return out;
}

/**
 * Strategic merge patch: like JSON merge patch, but lists with a merge key merge item by item, and the directives
 * `$patch` (replace/delete), `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>` are
 * honoured.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  let out: JsonObject = isObject(target) ? { ...target } : {};
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    out = Object.fromEntries(Object.entries(out).filter(([k]) => retain.includes(k)));
  }
  for (const [key, value] of Object.entries(patch)) {
    refuseKey(key);
    if (key === '$retainKeys' || key === '$patch' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      refuseKey(field);
      const list = own(out, field);
      if (Array.isArray(list) && Array.isArray(value)) out[field] = list.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
    } else if (Array.isArray(value)) {
      const order = own(patch, `$setElementOrder/${key}`);
      const current = own(out, key);
      out[key] = mergeList(
        key,
        Array.isArray(current) ? current : undefined,
        value,
        Array.isArray(order) ? order : undefined,
      );
    } else if (isObject(value)) {
      const merged = strategicMergePatch(own(out, key), value);
      if (merged === undefined) delete out[key];
      else out[key] = merged as Json;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function pointer(path: string): string[] {
  if (path !== '' && !path.startsWith('/')) throw new ApiError('BadRequest', `invalid JSON pointer: ${path}`);
  const keys = pointerSegments(path);
  if (keys.some((k) => isForbiddenKey(k))) throw forbiddenKeyError(path);
  return keys;
}

/** The child `key` of a node: an array index or an own property; undefined otherwise. */
function child(node: Json | undefined, key: string): Json | undefined {
  if (Array.isArray(node)) return /^\d+$/.test(key) ? node[Number(key)] : undefined;
  return isObject(node) ? own(node, key) : undefined;
}

/** RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`). Throws ApiError on a failed op. */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new ApiError('BadRequest', 'a JSON patch must be a list of operations');
  let doc = structuredClone(target) as Json;
  const parentOf = (keys: string[]): [Json, string] => {
    let node: Json = doc;
    for (const k of keys.slice(0, -1)) {
      const next = child(node, k);
      if (next === undefined) throw new ApiError('BadRequest', `path not found: /${keys.join('/')}`);
      node = next;
    }
    return [node, keys[keys.length - 1] ?? ''];
  };
  const read = (path: string): Json => {
    let node: Json | undefined = doc;
    for (const k of pointer(path)) node = child(node, k);
    if (node === undefined) throw new ApiError('BadRequest', `path not found: ${path}`);
    return node;
  };
  const add = (path: string, value: Json): void => {
    const keys = pointer(path);
    if (keys.length === 0) {
      doc = value;
      return;
    }
    const [parent, last] = parentOf(keys);
    if (Array.isArray(parent)) parent.splice(last === '-' ? parent.length : Number(last), 0, value);
    else if (isObject(parent)) parent[last] = value;
    else throw new ApiError('BadRequest', `cannot add at ${path}`);
  };
  const remove = (path: string): void => {
    read(path);
    const [parent, last] = parentOf(pointer(path));
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObject(parent)) delete parent[last];
  };
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') throw new ApiError('BadRequest', 'invalid JSON patch operation');
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw new ApiError('BadRequest', `a JSON patch ${op.op} operation needs "from"`);
    }
    const from = typeof op.from === 'string' ? op.from : '';
    switch (op.op) {
      case 'add':
        add(op.path, structuredClone(op.value ?? null));
        break;
      case 'remove':
        remove(op.path);
        break;
      case 'replace':
        remove(op.path);
        add(op.path, structuredClone(op.value ?? null));
        break;
      case 'move': {
        // RFC 6902 4.4: a value cannot move into itself (from "" or /a to /a/b would make the document circular).
        const f = pointer(from);
        const to = pointer(op.path);
        if (f.length < to.length && f.every((k, i) => k === to[i])) {
          throw new ApiError('Invalid', `cannot move ${from || '""'} into its own child ${op.path}`);
        }
        const v = read(from);
        remove(from);
        add(op.path, v);
        break;
      }
      case 'copy':
        add(op.path, structuredClone(read(from)));
        break;
      case 'test':
        if (JSON.stringify(read(op.path)) !== JSON.stringify(op.value)) {
          throw new ApiError('Invalid', `test operation failed at ${op.path}`);
        }
        break;
      default:
        throw new ApiError('BadRequest', `unknown JSON patch operation: ${String(op.op)}`);
    }
  }
  return doc;
}
