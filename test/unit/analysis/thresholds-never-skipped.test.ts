import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeRun } from '../../../harness/analysis/analyze-run.ts';
import type { RunRecord } from '../../../harness/contract/run-record.ts';
import { scenarioSchema } from '../../../harness/scenario/scenario-schema.ts';
import { fixtureSettings, loadFixtureRecord } from '../../fixtures/run-record/load-run-record.ts';
import type { AnalysisSettings } from '../../../harness/run/analysis-settings.ts';

/**
 * A threshold the schema accepts reaches the verdict. Before the scenario was resolved once, the
 * analysis parsed the thresholds a second time and silently skipped what its parser refused, so a
 * threshold could validate and then vanish (and the gate pass). Here thresholds are written in the
 * many spellings k6 allows, and every one the schema accepts must come back as one result, keyed
 * and worded as written, evaluated on a recorded run.
 */

/** Per metric, aggregations that fit it, in spellings k6 accepts; and some that do not fit or do not parse. */
const fitting: Record<string, string[]> = {
  http_req_duration: ['avg', 'min', 'max', 'med', 'p(95)', 'p( 99.9 )', 'P(50)'],
  http_req_failed: ['rate', 'RATE'],
  http_reqs: ['count', 'rate'],
  dropped_iterations: ['count', 'rate'],
  mttr_seconds: ['max', 'avg', 'p(90)'],
  lost_executions: ['count'],
  target_rss_bytes: ['max', 'p(95)'],
};
const wrong = ['value', 'p(101)', 'rate', 'count', 'avg'];
const tagsOf: Record<string, string[]> = {
  http_req_duration: ['', '{request:validate}', '{ request : status }', '{phase:steady}', '{request:execute,phase:steady}'],
  http_req_failed: ['', '{request:validate}', '{phase:steady}'],
  http_reqs: ['', '{request:status}'],
  dropped_iterations: ['', '{phase:steady}'],
};
const badTags = ['{request:missing}', '{region:eu}', '{request}'];
const ops = ['<', '<=', '>', '>=', '==', '===', '!='];
const numbers = ['0', '1', '0.01', '1e3', '-5', '2.5e-1'];
const space = fc.constantFrom('', ' ', '  ');

/** Mostly what the schema should accept, sometimes what it must refuse, so both sides are exercised. */
function expressionFor(metric: string): fc.Arbitrary<string> {
  const aggregation = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...(fitting[metric] ?? wrong)) }, { weight: 1, arbitrary: fc.constantFrom(...wrong) });
  const op = fc.oneof({ weight: 19, arbitrary: fc.constantFrom(...ops) }, { weight: 1, arbitrary: fc.constant('=>') });
  const value = fc.oneof({ weight: 19, arbitrary: fc.constantFrom(...numbers) }, { weight: 1, arbitrary: fc.constant('abc') });
  return fc.tuple(space, aggregation, space, op, space, value, space).map((parts) => parts.join(''));
}

const entry = fc.constantFrom(...Object.keys(fitting), 'nope_metric').chain((metric) => {
  const tag = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...(tagsOf[metric] ?? [''])) }, { weight: 1, arbitrary: fc.constantFrom(...badTags) });
  const item = fc.oneof(expressionFor(metric), fc.record({ threshold: expressionFor(metric), abortOnFail: fc.boolean() }));
  return fc.tuple(tag.map((t) => metric + t), fc.array(item, { minLength: 1, maxLength: 3 }));
});
const section = fc.uniqueArray(entry, { minLength: 1, maxLength: 3, selector: ([k]) => k }).map((entries) => Object.fromEntries(entries));

describe('a threshold the schema accepts', () => {
  let record: RunRecord;
  let settings: AnalysisSettings;
  let base: Record<string, unknown>;
  beforeAll(async () => {
    record = await loadFixtureRecord('short-light');
    settings = await fixtureSettings('short-light');
    base = {
      name: 'short-light',
      description: 'thresholds',
      target: { url: 'embedded' },
      requests: ['validate', 'execute', 'status'].map((name) => ({ name, method: 'GET', path: '/' })),
      load: [{ name: 'steady', executor: 'constant-vus', vus: 1, duration: '10s' }],
    };
  });

  it('comes back in the result, one entry per expression, as written', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(section, (thresholds) => {
        const parsed = scenarioSchema.safeParse({ ...base, thresholds });
        if (!parsed.success) {
          refused++;
          return;
        }
        accepted++;
        const written = Object.entries(thresholds).flatMap(([k, items]) => items.map((i) => `${k} ${typeof i === 'string' ? i : i.threshold}`));
        const result = analyzeRun(record, { ...settings, thresholds: parsed.data.thresholds });
        expect(result.thresholds.map((t) => `${t.metric} ${t.expression}`).sort()).toEqual(written.sort());
        // No data is a failure, never a silent pass (k6 would skip such a threshold).
        for (const t of result.thresholds) if (t.actual === null) expect(t.pass).toBe(false);
      }),
      { numRuns: 150, seed: 12_345 },
    );
    // Both sides of the schema were exercised, or the property says little.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('flips the verdict when it fails: the recorded run passes p(95)<1500 and fails p(95)<0.001', () => {
    const verdict = (expr: string) => {
      const parsed = scenarioSchema.parse({ ...base, thresholds: { http_req_duration: [expr] } });
      return analyzeRun(record, { ...settings, thresholds: parsed.thresholds }).verdict;
    };
    expect(verdict('p(95)<1500')).toBe('pass');
    expect(verdict('p( 95 ) < 0.001')).toBe('fail');
  });
});
