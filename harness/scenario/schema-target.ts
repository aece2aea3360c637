import { z } from 'zod';
import { durationSchema } from '../core/duration.ts';
import { httpUrlSchema } from '../core/scalar-schemas.ts';

export const targetSchema = z
  .strictObject({
    url: z.union([z.literal('embedded'), httpUrlSchema]).meta({
      description: '"embedded" starts the reference service (with its own PostgreSQL); otherwise the base URL of the system under test.',
    }),
    health: z.string().startsWith('/', { message: 'must be a path starting with "/"' }).default('/readyz'),
    timeout: durationSchema.prefault('60s').meta({ description: 'Per-request timeout (k6 default 60s).' }),
  })
  .transform(({ timeout, ...t }) => ({ ...t, timeoutMs: timeout }));
