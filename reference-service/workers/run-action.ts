import { setTimeout as sleep } from 'node:timers/promises';
import { datasetSchemaProblems } from '../validation/dataset-schema-problems.ts';
import { runPipeline } from '../validation/run-pipeline.ts';
import type { Dataset } from '../validation/validation-types.ts';
import type { WorkFactor } from '../work-factor.ts';
import type { ExecutionAction } from '../executions/execution-types.ts';

export interface ActionContext {
  signal: AbortSignal;
  random: () => number;
  workFactor: WorkFactor;
}

/** An action's failure: the execution is retried (or dead-lettered) with this message. */
export class ActionFailed extends Error {
  override readonly name = 'ActionFailed';
}

function numberParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

function runValidate(params: Record<string, unknown>, ctx: ActionContext): unknown {
  const dataset = params as unknown as Dataset;
  if (typeof dataset.schema !== 'object' || dataset.schema === null || !Array.isArray(dataset.rows)) {
    throw new ActionFailed('validate needs params {schema, rows}');
  }
  const problems = datasetSchemaProblems(dataset.schema, '/params/schema');
  if (problems.length > 0) throw new ActionFailed(`invalid schema: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  const report = ctx.workFactor.run(() => runPipeline(dataset));
  return { valid: report.valid, qualityScore: report.qualityScore, issueCounts: report.issueCounts };
}

/** Performs one attempt of an action; resolves with the effect's result or throws to fail the attempt. */
export async function runAction(
  action: ExecutionAction,
  params: Record<string, unknown>,
  ctx: ActionContext,
): Promise<unknown> {
  switch (action) {
    case 'sync': {
      const ms = Math.max(0, numberParam(params, 'ms', 0));
      if (ms > 0) await sleep(ms, undefined, { signal: ctx.signal });
      return { sleptMs: ms };
    }
    case 'validate':
      return runValidate(params, ctx);
    case 'fail':
      throw new ActionFailed('action "fail" always fails');
    case 'flaky': {
      const p = numberParam(params, 'p', 0.5);
      if (ctx.random() < p) throw new ActionFailed(`action "flaky" failed (p=${p})`);
      return { survived: true };
    }
  }
}
