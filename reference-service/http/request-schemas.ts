import { executionActions } from '../executions/execution-types.ts';

/** JSON schemas of every request body (checked by fastify's ajv; unknown keys are rejected). */

const columnSchema = {
  type: 'object',
  required: ['name', 'type'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { enum: ['string', 'number', 'integer', 'boolean', 'date'] },
    required: { type: 'boolean' },
    min: { type: 'number' },
    max: { type: 'number' },
  },
} as const;

export const datasetSchemaSchema = {
  type: 'object',
  required: ['columns'],
  additionalProperties: false,
  properties: {
    columns: { type: 'array', minItems: 1, maxItems: 1000, items: columnSchema },
    key: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1 } },
    references: {
      type: 'array',
      maxItems: 32,
      items: {
        type: 'object',
        required: ['column', 'refColumn'],
        additionalProperties: false,
        properties: { column: { type: 'string', minLength: 1 }, refColumn: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

const datasetProperties = {
  schema: datasetSchemaSchema,
  rows: { type: 'array', items: { type: 'object' } },
  refs: { type: 'array', items: { type: 'object' } },
} as const;

export const validateBodySchema = {
  type: 'object',
  required: ['schema', 'rows'],
  additionalProperties: false,
  properties: datasetProperties,
} as const;

/** Per-action params, so that a bad `ms` or `p` is a 400 now rather than a dead letter later. */
const actionParams = [
  { action: 'sync', params: { type: 'object', properties: { ms: { type: 'number', minimum: 0, maximum: 600_000 } } } },
  { action: 'flaky', params: { type: 'object', properties: { p: { type: 'number', minimum: 0, maximum: 1 } } } },
  {
    action: 'validate',
    params: { type: 'object', required: ['schema', 'rows'], additionalProperties: false, properties: datasetProperties },
    required: true,
  },
] as const;

export const executionBodySchema = {
  type: 'object',
  required: ['asset_id', 'action'],
  additionalProperties: false,
  properties: {
    asset_id: { anyOf: [{ type: 'string', minLength: 1, maxLength: 200 }, { type: 'integer' }] },
    action: { enum: [...executionActions] },
    params: { type: 'object' },
  },
  allOf: actionParams.map((a) => ({
    if: { properties: { action: { const: a.action } }, required: ['action'] },
    then: { properties: { params: a.params }, ...('required' in a ? { required: ['params'] } : {}) },
  })),
} as const;

export const idempotencyHeadersSchema = {
  type: 'object',
  required: ['idempotency-key'],
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const lookupBodySchema = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', maxItems: 10_000, items: { type: 'string', maxLength: 200 } } },
} as const;

export const chaosMemoryBodySchema = {
  type: 'object',
  required: ['mb'],
  additionalProperties: false,
  properties: { mb: { type: 'integer', minimum: 1, maximum: 16_384 } },
} as const;
