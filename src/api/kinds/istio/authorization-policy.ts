/**
 * Istio AuthorizationPolicy (`security.istio.io/v1`), the subset meshbridge writes and the embedded mesh enforces:
 * a mesh-wide `DENY` policy in the root namespace whose rule denies every peer whose principal is not in one of
 * the organization's trust domains (`notPrincipals: ["<trust domain>/*", ...]`). Istio's other fields (`when`,
 * `to`, `provider`, `targetRef`, ...) are not accepted here: nothing in meshbridge writes or reads them.
 */
import { z } from 'zod';
import { stringMap } from '../../schema/common.js';
import { objectMetaSchema } from '../../schema/meta.js';
import { apiVersionSchema } from '../../schema/object.js';
import { istioStatus } from './common.js';

/** `security.istio.io/v1` (preferred) or `v1beta1`. */
const securityApiVersion = apiVersionSchema('security.istio.io', ['v1', 'v1beta1']);

/** A principal pattern: exact, `prefix*`, `*suffix` or `*` (Istio's rule); at most 1,024 per list. */
const principals = z.array(z.string().min(1).max(512)).max(1024);

const sourceSchema = z.strictObject({
  principals: principals.optional(),
  notPrincipals: principals.optional(),
  namespaces: principals.optional(),
  notNamespaces: principals.optional(),
});

/** The AuthorizationPolicy spec fields accepted here. */
export const authorizationPolicySpecSchema = z.strictObject({
  selector: z.strictObject({ matchLabels: stringMap.optional() }).optional(),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).optional(),
  rules: z
    .array(
      z.strictObject({
        from: z
          .array(z.strictObject({ source: sourceSchema }))
          .max(64)
          .optional(),
      }),
    )
    .max(64)
    .optional(),
});

/** Schema of an AuthorizationPolicy. */
export const authorizationPolicySchema = z.strictObject({
  apiVersion: securityApiVersion,
  kind: z.literal('AuthorizationPolicy'),
  metadata: objectMetaSchema,
  spec: authorizationPolicySpecSchema.optional(),
  status: istioStatus,
});

/** An Istio AuthorizationPolicy. */
export type AuthorizationPolicy = z.infer<typeof authorizationPolicySchema>;
