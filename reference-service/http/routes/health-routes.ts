import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.ts';

const readinessTimeoutMs = 1_500;

/** One query proves the database answers and gives the queue lag. */
async function oldestQueuedAgeMs(ctx: AppContext): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${readinessTimeoutMs} ms`)), readinessTimeoutMs);
  });
  const query = ctx.pool.query<{ age_ms: number }>(
    `SELECT coalesce(extract(epoch FROM now() - min(created_at)) * 1000, 0)::float8 AS age_ms
       FROM executions WHERE state IN ('queued', 'retrying')`,
  );
  try {
    const r = await Promise.race([query, timeout]);
    return Math.round(r.rows[0]?.age_ms ?? 0);
  } finally {
    clearTimeout(timer);
    query.catch(() => undefined);
  }
}

export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async () => ({ status: 'ok', version: ctx.version }));

  app.get('/readyz', async (_req, reply) => {
    const reasons: string[] = [];
    let age: number | null = null;
    try {
      age = await oldestQueuedAgeMs(ctx);
    } catch (err) {
      reasons.push(`database: ${err instanceof Error ? err.message : String(err)}`);
    }
    const workers = ctx.workers.running;
    if (workers < ctx.config.workers) reasons.push(`workers: ${workers} of ${ctx.config.workers} running`);
    if (ctx.isStopping()) reasons.push('shutting down');
    const body = { database: age === null ? 'unreachable' : 'ok', workers, oldestQueuedAgeMs: age };
    if (reasons.length > 0) return reply.code(503).send({ status: 'not_ready', reasons, ...body });
    return { status: 'ready', ...body };
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
  });
}
