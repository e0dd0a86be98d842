/**
 * Kubernetes ConfigMap and Secret (`v1`): named data for pods and controllers (the production install's database
 * URL, TLS material and the workload clusters' kubeconfigs). Keys and sizes follow the API server's rules: a key is
 * at most 253 of `-`, `_`, `.` and alphanumerics; the data of one object is at most 1 MiB in all, since a store
 * write is bounded (etcd's request limit is what sets Kubernetes' own).
 */
import { z } from 'zod';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** At most this many bytes of data in one ConfigMap or Secret (Kubernetes' limit). */
export const MAX_DATA_BYTES = 1024 * 1024;

const dataKey = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, { error: 'must be a data key: at most 253 of a-z, A-Z, 0-9, "-", "_" and "."' })
  .refine((k) => k !== '.' && k !== '..', { error: 'must not be "." or ".."' });

/** Standard base64 (what `data` of a Secret and `binaryData` of a ConfigMap hold). */
const base64 = z
  .string()
  .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, { error: 'must be base64 encoded' });

/** The decoded size of a base64 string, without decoding it. */
function base64Bytes(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

/** Adds an issue at the first map over the limit when the maps' values exceed MAX_DATA_BYTES together. */
function withinDataLimit(
  maps: readonly { field: string; values: Record<string, string> | undefined; bytes: (v: string) => number }[],
  ctx: z.RefinementCtx,
): void {
  let total = 0;
  for (const m of maps) {
    for (const v of Object.values(m.values ?? {})) total += m.bytes(v);
    if (total > MAX_DATA_BYTES) {
      ctx.addIssue({
        code: 'custom',
        params: { code: 'OUT_OF_RANGE' },
        path: [m.field],
        message: `the data of one object is at most ${MAX_DATA_BYTES} bytes in all`,
      });
      return;
    }
  }
}

/** A ConfigMap key in both `data` and `binaryData` is an error, as the API server says. */
function noSharedKeys(
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
  ctx: z.RefinementCtx,
  field: string,
): void {
  for (const key of Object.keys(b ?? {})) {
    if (a && Object.hasOwn(a, key)) {
      ctx.addIssue({ code: 'custom', path: [field, key], message: 'duplicate of a key in data' });
    }
  }
}

/** Schema of a ConfigMap. */
export const configMapSchema = z
  .strictObject({
    ...kubeHeader('ConfigMap', apiVersionSchema('', ['v1'])),
    data: z.record(dataKey, z.string()).optional(),
    binaryData: z.record(dataKey, base64).optional(),
    immutable: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    noSharedKeys(o.data, o.binaryData, ctx, 'binaryData');
    withinDataLimit(
      [
        { field: 'data', values: o.data, bytes: (v) => Buffer.byteLength(v) },
        { field: 'binaryData', values: o.binaryData, bytes: base64Bytes },
      ],
      ctx,
    );
  });

/** A Kubernetes ConfigMap. */
export type ConfigMap = z.infer<typeof configMapSchema>;

/** Schema of a Secret. `stringData` is write-only: the API server folds it into `data` (see the local server). */
export const secretSchema = z
  .strictObject({
    ...kubeHeader('Secret', apiVersionSchema('', ['v1'])),
    type: z
      .string()
      .max(253)
      .regex(/^[-._a-zA-Z0-9/]*$/, { error: 'must be a Secret type such as Opaque or kubernetes.io/tls' })
      .optional(),
    data: z.record(dataKey, base64).optional(),
    stringData: z.record(dataKey, z.string()).optional(),
    immutable: z.boolean().optional(),
  })
  .superRefine((o, ctx) =>
    withinDataLimit(
      [
        { field: 'data', values: o.data, bytes: base64Bytes },
        { field: 'stringData', values: o.stringData, bytes: (v) => Buffer.byteLength(v) },
      ],
      ctx,
    ),
  );

/** A Kubernetes Secret. */
export type Secret = z.infer<typeof secretSchema>;
