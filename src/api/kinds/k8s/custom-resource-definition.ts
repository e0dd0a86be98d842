/**
 * Kubernetes CustomResourceDefinition (`apiextensions.k8s.io/v1`): a new kind, its names, scope and versions with
 * their `openAPIV3Schema`. The local clusters store CRDs (the production manifests ship the IngressGateway CRD);
 * the schema itself is kept as given, bounded in depth and size by the input limits every document passes.
 * The API server's rules checked here: the name is `<plural>.<group>`, exactly one version is the storage version,
 * version names are unique DNS labels, and the spec is at most 1.5 MiB of JSON.
 */
import { z } from 'zod';
import { dnsLabel, dnsSubdomain, looseRecord } from '../../schema/common.js';
import { apiVersionSchema, kubeHeader } from '../../schema/object.js';

/** At most this many bytes of JSON in a CRD's spec: its schemas are stored with it, and an object is 1.5 MiB at most. */
export const MAX_CRD_SPEC_BYTES = 1536 * 1024;

/** A kind name as Kubernetes takes it: a letter, then letters and digits (`IngressGateway`). */
const kindName = z
  .string()
  .max(63)
  .regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'must be a kind name: a letter, then letters and digits' });

const names = z.strictObject({
  plural: dnsLabel,
  singular: dnsLabel.optional(),
  kind: kindName,
  listKind: kindName.optional(),
  shortNames: z.array(dnsLabel).optional(),
  categories: z.array(dnsLabel).optional(),
});

const printerColumn = z.strictObject({
  name: z.string().min(1),
  type: z.enum(['integer', 'number', 'string', 'boolean', 'date']),
  jsonPath: z.string().min(1),
  format: z.string().optional(),
  description: z.string().optional(),
  priority: z.int().min(0).optional(),
});

const version = z.strictObject({
  name: dnsLabel,
  served: z.boolean(),
  storage: z.boolean(),
  deprecated: z.boolean().optional(),
  deprecationWarning: z.string().max(256).optional(),
  schema: z.strictObject({ openAPIV3Schema: looseRecord }).optional(),
  subresources: z
    .strictObject({
      status: z.strictObject({}).optional(),
      scale: z
        .strictObject({
          specReplicasPath: z.string(),
          statusReplicasPath: z.string(),
          labelSelectorPath: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  additionalPrinterColumns: z.array(printerColumn).optional(),
  selectableFields: z.array(z.strictObject({ jsonPath: z.string() })).optional(),
});

/** Schema of a CustomResourceDefinition. */
export const customResourceDefinitionSchema = z
  .strictObject({
    ...kubeHeader('CustomResourceDefinition', apiVersionSchema('apiextensions.k8s.io', ['v1'])),
    spec: z.strictObject({
      group: dnsSubdomain,
      names,
      scope: z.enum(['Namespaced', 'Cluster']),
      versions: z.array(version).min(1),
      conversion: looseRecord.optional(),
      preserveUnknownFields: z.literal(false).optional(),
    }),
    status: looseRecord.optional(),
  })
  .superRefine((crd, ctx) => {
    const size = Buffer.byteLength(JSON.stringify(crd.spec));
    if (size > MAX_CRD_SPEC_BYTES) {
      ctx.addIssue({
        code: 'custom',
        params: { code: 'OUT_OF_RANGE' },
        path: ['spec'],
        message: `is ${size} bytes; a CRD's spec is at most ${MAX_CRD_SPEC_BYTES} bytes`,
      });
    }
    const { group, names: n, versions } = crd.spec;
    const expected = `${n.plural}.${group}`;
    if (crd.metadata.name !== undefined && crd.metadata.name !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['metadata', 'name'],
        message: `must be spec.names.plural + "." + spec.group: ${expected}`,
      });
    }
    if (versions.filter((v) => v.storage).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'versions'],
        message: 'exactly one version must be the storage version',
      });
    }
    const seen = new Set<string>();
    versions.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: 'custom', path: ['spec', 'versions', i, 'name'], message: 'duplicate version name' });
      seen.add(v.name);
    });
  });

/** A Kubernetes CustomResourceDefinition. */
export type CustomResourceDefinition = z.infer<typeof customResourceDefinitionSchema>;
