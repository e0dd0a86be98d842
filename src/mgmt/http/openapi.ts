/**
 * The OpenAPI document: route schemas plus one component schema per management-plane kind. Route schemas document
 * the API only; request checking is done by the resource model's validator so errors carry its codes and paths.
 */
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaFor } from '../../api/index.js';
import { MGMT_KINDS } from '../model.js';
import type { MgmtKind } from '../model.js';

/** JSON schema of one kind, generated from the resource model's zod schema (never written by hand). */
function kindSchema(kind: MgmtKind): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = jsonSchemaFor(kind);
  return schema;
}

/** Reference to a component schema. */
export const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** A schema accepting any management-plane object. */
export const anyObjectSchema = { oneOf: MGMT_KINDS.map((k) => ref(k)) };

/** Options for @fastify/swagger. */
export function swaggerOptions(): FastifyDynamicSwaggerOptions {
  const schemas: Record<string, unknown> = Object.fromEntries(MGMT_KINDS.map((k) => [k, kindSchema(k)]));
  schemas.Error = {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      issues: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            index: { type: 'integer' },
            code: { type: 'string' },
            severity: { enum: ['error', 'warning'] },
            path: { type: 'string' },
            message: { type: 'string' },
            kind: { type: 'string' },
            name: { type: 'string' },
          },
        },
      },
    },
  };
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'meshbridge management plane',
        version: '2',
        description: 'TSB-style configuration (api.tsb.tetrate.io/v2), status and the snapshot watched by federation.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: schemas as never,
      },
      security: [{ bearer: [] }],
    },
  };
}
