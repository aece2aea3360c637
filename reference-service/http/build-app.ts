import Fastify from 'fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from './app-context.ts';
import { makeErrorHandler } from './http-errors.ts';
import { registerChaosRoutes } from './routes/chaos-routes.ts';
import { registerExecutionRoutes } from './routes/execution-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerValidateRoute } from './routes/validate-route.ts';

/** JSON parsing timed per request: for big datasets it is most of the CPU work the work factor scales. */
function registerTimedJsonParser(app: FastifyInstance, ctx: AppContext): void {
  // JSON only: any other content type is a 415, not a string that fails the schema.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(Object.assign(new Error('the body is empty; send a JSON document'), { statusCode: 400 }), undefined);
      return;
    }
    const started = performance.now();
    try {
      const parsed: unknown = JSON.parse(text);
      ctx.workMeter.add(req, performance.now() - started);
      done(null, parsed);
    } catch (err) {
      done(Object.assign(new Error(`the body is not valid JSON: ${(err as Error).message}`), { statusCode: 400 }), undefined);
    }
  });
}

function registerMetricsHooks(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onSend', async (req) => {
    ctx.workMeter.settle(req);
  });
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/** The HTTP surface of the target (see the API contract in the README). */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: ctx.config.bodyLimitBytes,
    // Client mistakes must be reported, not repaired: no coercion, no silent removal of unknown keys.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true } },
    return503OnClosing: true,
  });
  registerTimedJsonParser(app, ctx);
  registerMetricsHooks(app, ctx);
  app.setErrorHandler(makeErrorHandler(ctx.log));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url}` }));
  registerValidateRoute(app, ctx);
  registerExecutionRoutes(app, ctx);
  registerHealthRoutes(app, ctx);
  if (ctx.config.chaosToken !== null) registerChaosRoutes(app, ctx, ctx.config.chaosToken);
  await app.ready();
  return app;
}
