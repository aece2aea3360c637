import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseThresholdExpression } from '../../../harness/core/threshold-expression.ts';
import { k6Scenarios } from '../../../harness/k6/k6-scenarios.ts';
import { k6Thresholds, negatedExpression } from '../../../harness/k6/k6-thresholds.ts';
import { compare } from '../../../harness/core/threshold-expression.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';

const repo = path.resolve(import.meta.dirname, '..', '..', '..');

describe('k6 export mapping', () => {
  it('maps each phase to a k6 scenario with its executor, options, startTime and phase tag', async () => {
    const { scenario } = await loadScenario('test/fixtures/k6/templating-scenario.json', { cwd: repo });
    expect(k6Scenarios(scenario)).toEqual([
      { k6Name: 'warm', phase: 'warm', requests: ['ping', 'create'], options: { executor: 'constant-vus', startTime: '0s', gracefulStop: '30s', tags: { phase: 'warm' }, vus: 2, duration: '10s' } },
      {
        k6Name: 'main',
        phase: 'main',
        requests: ['create', 'read', 'ping'],
        options: { executor: 'constant-arrival-rate', startTime: '10s', gracefulStop: '30s', tags: { phase: 'main' }, rate: 20, timeUnit: '1s', duration: '20s', preAllocatedVUs: 4 },
      },
    ]);
  });

  it('keeps k6 thresholds, turns abort conditions into abortOnFail thresholds and surfaces sub-metrics', async () => {
    const { scenario } = await loadScenario('spike', { cwd: repo });
    const t = k6Thresholds(scenario);
    expect(t.thresholds['http_req_duration{phase:spike}']).toEqual(['p(99)<5000']);
    expect(t.thresholds['http_req_duration{request:execute}']).toEqual(['max>=0']);
    expect(t.thresholds['dropped_iterations{phase:spike}']).toEqual(['count>=0']);
    expect(t.leftOut).toEqual([]);
    const chaos = k6Thresholds((await loadScenario('chaos-memory', { cwd: repo })).scenario);
    expect(chaos.leftOut.map((l) => l.metric)).toEqual(['mttr_seconds', 'lost_executions', 'target_rss_bytes']);
    expect(chaos.thresholds.http_req_failed).toContainEqual({ threshold: 'rate<=0.9', abortOnFail: true, delayAbortEval: '1m' });
  });

  it('negates every operator so the threshold passes exactly when the abort condition does not hold', () => {
    for (const src of ['rate>0.5', 'rate>=0.5', 'p(95)<300', 'avg<=2', 'count==3', 'count!=3']) {
      const e = parseThresholdExpression(src);
      if (!e.ok) throw new Error(src);
      const n = parseThresholdExpression(negatedExpression(e.value));
      if (!n.ok) throw new Error(negatedExpression(e.value));
      for (const actual of [0, 2, 3, 300, 0.5, 1000]) expect(compare(actual, n.value.op, n.value.value)).toBe(!compare(actual, e.value.op, e.value.value));
    }
  });
});
