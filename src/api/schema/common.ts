/**
 * Building blocks shared by every kind's schema: strict objects (unknown fields are errors), label maps,
 * Kubernetes quantities, int-or-string ports, Istio durations. Kept tiny so each kind module reads like its API doc.
 */
import { z } from 'zod';

/** A string -> string map (labels, annotations, selectors). Values must be strings, as Kubernetes demands. */
export const stringMap = z.record(z.string(), z.string());

const LABEL_NAME = '([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)';
const LABEL_KEY = new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${LABEL_NAME}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_NAME}?$`);

/**
 * Kubernetes labels: keys are an optional DNS-subdomain prefix and `/`, then a name of up to 63 alphanumerics,
 * `-`, `_` or `.`; values are empty or such a name. The API server refuses anything else.
 */
export const labelMap = z.record(
  z.string().regex(LABEL_KEY, {
    error: 'must be a label key: an optional DNS prefix and "/", then at most 63 of a-z, A-Z, 0-9, "-", "_", "."',
  }),
  z.string().regex(LABEL_VALUE, {
    error:
      'must be a label value: empty, or at most 63 of a-z, A-Z, 0-9, "-", "_", "." starting and ending alphanumeric',
  }),
);

/** A port number (1..65535). */
export const portNumber = z.int().min(1).max(65535);

/** A non-negative 32-bit integer (replica counts, seconds, thresholds). */
export const uint32 = z.int().min(0).max(4294967295);

/** A 32-bit signed integer. */
export const int32 = z.int().min(-2147483648).max(2147483647);

/** Kubernetes IntOrString (targetPort, probe ports, maxSurge...). */
export const intOrString = z.union([z.int(), z.string().min(1)], {
  error: 'expected an integer or a string',
});

/**
 * A Kubernetes resource quantity (`100m`, `128Mi`, `1.5`, `2`). Numbers are accepted too because YAML turns an
 * unquoted `2` into a number and Kubernetes accepts it.
 */
export const quantity = z.union(
  [
    z.number(),
    z.string().regex(/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/, {
      error: 'expected a quantity such as 100m, 128Mi or 2',
    }),
  ],
  { error: 'expected a quantity such as 100m, 128Mi or 2' },
);

/** A map of resource name -> quantity (`requests`, `limits`, `capacity`). */
export const resourceList = z.record(z.string(), quantity);

/**
 * A duration as Istio writes it (`10s`, `1m`, `100ms`, `1h30m`, `0.5s`): what protobuf-JSON and the CRDs' CEL
 * `duration()` accept.
 */
export const duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/, { error: 'expected a duration such as 10s, 1m or 100ms' });

/** An RFC 3339 timestamp as the API server writes it (`2024-05-01T10:00:00Z`). */
export const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$/, {
  error: 'expected an RFC 3339 timestamp',
});

/** An open-ended object (deep areas such as affinity that are passed through as they are). */
export const looseRecord = z.record(z.string(), z.unknown());

/** DNS-1123 subdomain: what Kubernetes requires of most object names. */
export const dnsSubdomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: 'must be a lowercase DNS-1123 subdomain (a-z, 0-9, "-" and ".", starting and ending alphanumeric)',
  });

/** DNS-1123 label: names of Services, Namespaces, ports and containers. */
export const dnsLabel = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    error: 'must be a lowercase DNS-1123 label (a-z, 0-9 and "-", starting and ending alphanumeric, at most 63)',
  });

/** DNS-1035 label: Service names (they become DNS names and environment variable prefixes, so start with a letter). */
export const dns1035Label = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
    error: 'must be a lowercase DNS-1035 label (a-z, 0-9 and "-", starting with a letter, at most 63)',
  });

/** Kubernetes LabelSelector. */
export const labelSelector = z.strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/** A Kubernetes LabelSelector. */
export type LabelSelector = z.infer<typeof labelSelector>;

/** A Kubernetes status condition (Pods, Deployments, Nodes, Services...). Loose: conditions vary by kind. */
export const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
});

/** `{name}` reference (imagePullSecrets, configMap refs). */
export const localObjectReference = z.strictObject({ name: z.string().optional() });

/** Kubernetes ObjectReference (Endpoints targetRef, ServiceAccount secrets). */
export const objectReference = z.strictObject({
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  uid: z.string().optional(),
  apiVersion: z.string().optional(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});
