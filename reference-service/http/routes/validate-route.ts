import type { FastifyInstance } from 'fastify';
import { datasetSchemaProblems } from '../../validation/dataset-schema-problems.ts';
import { runPipeline } from '../../validation/run-pipeline.ts';
import type { Dataset } from '../../validation/validation-types.ts';
import type { AppContext } from '../app-context.ts';
import { badRequest } from '../http-errors.ts';
import { validateBodySchema } from '../request-schemas.ts';

export function registerValidateRoute(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/validate', { schema: { body: validateBodySchema } }, async (req, reply) => {
    const dataset = req.body as Dataset;
    const problems = datasetSchemaProblems(dataset.schema);
    if (problems.length > 0) return badRequest(reply, 'the dataset schema is inconsistent', problems);
    const started = performance.now();
    const report = runPipeline(dataset);
    ctx.workMeter.add(req, performance.now() - started);
    return report;
  });
}
