/**
 * Just enough of Kubernetes' protobuf encoding to read the bodies kubectl's typed client sends for
 * `kubectl create namespace|serviceaccount|configmap|secret` (client-go sends built-in kinds as protobuf and has
 * no JSON fallback on 415). The envelope is the magic `k8s\0` followed by a `runtime.Unknown` message whose `raw`
 * field holds the object. Decoded: ObjectMeta's identifying fields (name, generateName, namespace, labels,
 * annotations) and, for ConfigMaps and Secrets, their data maps, `type` and `immutable` (field numbers of
 * `k8s.io/api/core/v1/generated.proto`) — what those kinds carry when created that way. Also the
 * `SelfSubjectAccessReview` `kubectl auth can-i` posts (access-review.ts): its spec's resource or non-resource
 * attributes (`k8s.io/api/authorization/v1/generated.proto`).
 */
import { isForbiddenKey } from '../../api/index.js';
import { forbiddenKeyError } from './forbidden-keys.js';
import { ApiError } from './status.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { num: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new ApiError('BadRequest', 'truncated protobuf body');
    const byte = buf[pos++] as number;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    pos = p1;
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ num, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (end > buf.length) throw new ApiError('BadRequest', 'truncated protobuf body');
      out.push({ num, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new ApiError('BadRequest', `unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (f: Field | undefined): string | undefined =>
  f && Buffer.isBuffer(f.value) ? f.value.toString('utf8') : undefined;
const bytes = (f: Field | undefined): Buffer => (f && Buffer.isBuffer(f.value) ? f.value : Buffer.alloc(0));

/** A protobuf `map<string, string>` (or `map<string, bytes>` as base64, the JSON form of bytes). */
function stringMap(
  entries: Field[],
  where = 'metadata',
  values: 'text' | 'base64' = 'text',
): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(bytes(e));
    const key = text(kv.find((f) => f.num === 1)) ?? '';
    if (isForbiddenKey(key)) throw forbiddenKeyError(`${where}[${JSON.stringify(key)}]`);
    const value = kv.find((f) => f.num === 2);
    out[key] = values === 'base64' ? bytes(value).toString('base64') : (text(value) ?? '');
  }
  return out;
}

type Decoder = (object: Field[]) => Record<string, unknown>;
const flag = (f: Field | undefined): boolean | undefined =>
  f && typeof f.value === 'bigint' ? f.value !== 0n : undefined;

/** The fields beyond metadata of each v1 kind decoded here (undefined values are dropped). */
const DECODERS: Record<string, Decoder> = {
  Namespace: () => ({}),
  ServiceAccount: () => ({}),
  ConfigMap: (o) => ({
    data: stringMap(
      o.filter((f) => f.num === 2),
      'data',
    ),
    binaryData: stringMap(
      o.filter((f) => f.num === 3),
      'binaryData',
      'base64',
    ),
    immutable: flag(o.find((f) => f.num === 4)),
  }),
  Secret: (o) => ({
    data: stringMap(
      o.filter((f) => f.num === 2),
      'data',
      'base64',
    ),
    type: text(o.find((f) => f.num === 3)),
    stringData: stringMap(
      o.filter((f) => f.num === 4),
      'stringData',
    ),
    immutable: flag(o.find((f) => f.num === 5)),
  }),
};

/** `ResourceAttributes` and `NonResourceAttributes` of authorization/v1, by field number (selectors are not read). */
const RESOURCE_ATTRIBUTES = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;
const NON_RESOURCE_ATTRIBUTES = ['path', 'verb'] as const;

function attributes(f: Field | undefined, names: readonly string[]): Record<string, string> | undefined {
  if (!f) return undefined;
  const values = fields(bytes(f));
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    const value = text(values.find((v) => v.num === i + 1));
    if (value !== undefined) out[name] = value;
  });
  return out;
}

/** Kinds of API groups decoded here, by `apiVersion kind`. */
const GROUP_DECODERS: Record<string, Decoder> = {
  'authorization.k8s.io/v1 SelfSubjectAccessReview': (o) => {
    const spec = fields(bytes(o.find((f) => f.num === 2)));
    const resourceAttributes = attributes(
      spec.find((f) => f.num === 1),
      RESOURCE_ATTRIBUTES,
    );
    const nonResourceAttributes = attributes(
      spec.find((f) => f.num === 2),
      NON_RESOURCE_ATTRIBUTES,
    );
    return {
      spec: {
        ...(resourceAttributes ? { resourceAttributes } : {}),
        ...(nonResourceAttributes ? { nonResourceAttributes } : {}),
      },
    };
  },
};

/** True when the body starts with Kubernetes' protobuf magic. */
export function isKubeProtobuf(body: Buffer): boolean {
  return body.subarray(0, 4).equals(MAGIC);
}

/**
 * Decodes a protobuf Namespace, ServiceAccount, ConfigMap, Secret or SelfSubjectAccessReview body into its JSON form;
 * other kinds are 415.
 */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  const unknown = fields(body.subarray(4));
  const typeMeta = fields(bytes(unknown.find((f) => f.num === 1)));
  const apiVersion = text(typeMeta.find((f) => f.num === 1)) ?? '';
  const kind = text(typeMeta.find((f) => f.num === 2)) ?? '';
  const groupKind = `${apiVersion} ${kind}`;
  const decode =
    apiVersion === 'v1' && Object.hasOwn(DECODERS, kind)
      ? DECODERS[kind]
      : Object.hasOwn(GROUP_DECODERS, groupKind)
        ? GROUP_DECODERS[groupKind]
        : undefined;
  if (!decode) {
    throw new ApiError(
      'UnsupportedMediaType',
      `protobuf bodies are understood for v1 ${Object.keys(DECODERS).join(', ')} and ` +
        `${Object.keys(GROUP_DECODERS).join(', ')} only (got ${apiVersion} ${kind}); send JSON`,
    );
  }
  const object = fields(bytes(unknown.find((f) => f.num === 2)));
  const meta = fields(bytes(object.find((f) => f.num === 1)));
  const metadata: Record<string, unknown> = {};
  const set = (key: string, v: unknown): void => {
    if (v !== undefined && v !== '') metadata[key] = v;
  };
  set('name', text(meta.find((f) => f.num === 1)));
  set('generateName', text(meta.find((f) => f.num === 2)));
  set('namespace', text(meta.find((f) => f.num === 3)));
  set('labels', stringMap(meta.filter((f) => f.num === 11)));
  set('annotations', stringMap(meta.filter((f) => f.num === 12)));
  const rest = Object.entries(decode(object)).filter(([, v]) => v !== undefined);
  return { apiVersion, kind, metadata, ...Object.fromEntries(rest) };
}
