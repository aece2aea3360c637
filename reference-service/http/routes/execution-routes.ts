import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { datasetSchemaProblems } from '../../validation/dataset-schema-problems.ts';
import type { DatasetSchema } from '../../validation/validation-types.ts';
import { createExecution, getExecution, lookupExecutions } from '../../executions/execution-store.ts';
import type { ExecutionAction } from '../../executions/execution-types.ts';
import type { AppContext } from '../app-context.ts';
import { badRequest } from '../http-errors.ts';
import { executionBodySchema, idempotencyHeadersSchema, lookupBodySchema } from '../request-schemas.ts';

interface ExecutionBody {
  asset_id: string | number;
  action: ExecutionAction;
  params?: Record<string, unknown>;
}

/**
 * TARGET_TEST_DROP_RATE (test only): a new execution is acknowledged but never stored, so the
 * integrity audit has real lost work to find. A key already stored is never dropped.
 */
async function dropForTest(ctx: AppContext, key: string, reply: FastifyReply): Promise<boolean> {
  if (ctx.config.testDropRate <= 0 || ctx.random() >= ctx.config.testDropRate) return false;
  const known = await ctx.pool.query('SELECT 1 FROM executions WHERE idempotency_key = $1', [key]);
  if (known.rowCount !== 0) return false;
  ctx.metrics.testDropped.inc();
  await reply.code(202).send({ id: randomUUID(), status: 'queued' });
  return true;
}

async function submit(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = req.body as ExecutionBody;
  const params = body.params ?? {};
  if (body.action === 'validate') {
    const problems = datasetSchemaProblems(params.schema as DatasetSchema, '/params/schema');
    if (problems.length > 0) return badRequest(reply, 'the dataset schema is inconsistent', problems);
  }
  const key = req.headers['idempotency-key'] as string;
  if (await dropForTest(ctx, key, reply)) return reply;
  const outcome = await createExecution(ctx.pool, {
    idempotencyKey: key,
    assetId: String(body.asset_id),
    action: body.action,
    params,
  });
  switch (outcome.kind) {
    case 'created':
      ctx.workers.wake();
      return reply.code(202).send({ id: outcome.id, status: 'queued' });
    case 'repeated':
      return reply.code(200).send({ id: outcome.id, status: outcome.state });
    case 'conflict':
      return reply.code(409).send({
        error: 'idempotency_conflict',
        message: 'this Idempotency-Key was used with a different body',
        id: outcome.id,
      });
  }
}

export function registerExecutionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/executions', { schema: { body: executionBodySchema, headers: idempotencyHeadersSchema } }, (req, reply) =>
    submit(ctx, req, reply),
  );
  app.get<{ Params: { id: string } }>('/v1/executions/:id', async (req, reply) => {
    const view = await getExecution(ctx.pool, req.params.id);
    return view === null ? reply.code(404).send({ error: 'not_found' }) : view;
  });
  app.post('/v1/executions/lookup', { schema: { body: lookupBodySchema } }, async (req) => {
    const { ids } = req.body as { ids: string[] };
    return { executions: await lookupExecutions(ctx.pool, ids) };
  });
}
