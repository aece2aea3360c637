import * as z from 'zod';
import { nameSchema } from '../core/scalar-schemas.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** JSON path into a response body: dot-separated keys and array indexes, e.g. `id`, `data.items.0.id`. */
export const capturePathSchema = z.string().regex(/^[^.\s]+(?:\.[^.\s]+)*$/, { message: 'must be a dot path such as "id" or "data.items.0.id"' });

export const requestSchema = z
  .strictObject({
    name: nameSchema.meta({ description: 'Unique request name: key of per-request stats and of {request:NAME} thresholds.' }),
    method: z.enum(HTTP_METHODS),
    path: z.string().startsWith('/', { message: 'must start with "/" (it is appended to the target URL)' }).meta({
      description: 'Path and query; may contain templates such as {{captured executionId}} (values are URL-encoded).',
    }),
    headers: z.record(z.string(), z.string()).optional().meta({ description: 'Header values may contain templates.' }),
    body: z.unknown().optional().meta({ description: 'A JSON body; strings inside may contain templates (they stay strings).' }),
    bodyFile: z.string().min(1).optional().meta({
      description: 'Body read from a file relative to the scenario file (.json files are JSON bodies with templates; others are sent as text).',
    }),
    weight: z.number().positive().finite().default(1).meta({ description: 'Relative share of this request in the mix.' }),
    expect: z
      .strictObject({ status: z.array(z.number().int().min(100).max(599)).min(1) })
      .optional()
      .meta({ description: 'Statuses counted as success (default 200–399, like k6 http_req_failed).' }),
    capture: z.record(nameSchema, capturePathSchema).optional().meta({
      description: 'Values to keep from successful JSON responses: {"varName": "json.path"}; used by {{captured varName}} and the audit.',
    }),
  })
  .superRefine((r, ctx) => {
    if (r.body !== undefined && r.bodyFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['bodyFile'], message: 'body and bodyFile are both set', params: { hint: 'keep only one of them' } });
    }
  });

export type ScenarioRequest = z.output<typeof requestSchema>;
