import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../harness/report/render-junit.ts';
import { loadFixtureResult, passingResult } from '../../fixtures/report/load-fixture.ts';
import { findAll, parseXml, type XmlElement } from './xml-tree.ts';
import { decideVerdict } from '../../../harness/analysis/verdict.ts';
import type { RegressionResult, RunResult } from '../../../harness/contract/run-result.ts';

/** A comparison as the gate writes it: p50 4.563 → 4.919 ms, +7.8 % raw, +14.5 % at equal machine speed. */
function compared(metric: string, verdict: RegressionResult['verdict'], gated: boolean): RegressionResult {
  return {
    metric, baseline: 4.563, current: 4.919, changePct: 14.5, rawChangePct: 7.8, correction: 'machine-speed',
    ciLowPct: verdict === 'regression' ? 10 : -2, ciHighPct: 19, verdict, gated, mdcPct: 3, runsNeeded: 2, note: `${verdict} note`,
  };
}
const gated = (metric: string, verdict: RegressionResult['verdict']): RegressionResult => compared(metric, verdict, true);
const reported = (metric: string, verdict: RegressionResult['verdict']): RegressionResult => compared(metric, verdict, false);

function testcases(xml: string): { root: XmlElement; suite: XmlElement; cases: XmlElement[] } {
  const root = parseXml(xml);
  const suite = findAll(root, 'testsuite')[0];
  if (!suite) throw new Error('no testsuite');
  return { root, suite, cases: findAll(suite, 'testcase') };
}

describe('renderJunit', () => {
  it('produces well-formed JUnit with one testcase per gate and counts that match', () => {
    const xml = renderJunit(loadFixtureResult());
    const { root, suite, cases } = testcases(xml);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(root.name).toBe('testsuites');
    // verdict + 3 thresholds + 6 regressions + 3 integrity checks + 2 faults
    expect(cases).toHaveLength(15);
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    const skipped = cases.filter((c) => c.children.some((x) => x.name === 'skipped'));
    for (const el of [root, suite]) {
      expect(el.attrs).toMatchObject({ tests: '15', failures: String(failed.length), errors: '0', skipped: String(skipped.length), time: '180.000' });
    }
    // What failed the run, and only that: stuck executions, the reported-only p99 and the suspect error rate only warn.
    expect(failed.map((c) => `${c.attrs['classname']} / ${c.attrs['name']}`)).toEqual([
      'chaos-db.run / verdict',
      'chaos-db.thresholds / http_req_duration{request:validate} p(95)<250',
      'chaos-db.regressions.gated / p95 latency (p95Ms)',
      'chaos-db.faults / db-partition recovers',
    ]);
    expect(skipped.map((c) => c.attrs['name'])).toEqual(['p99 latency · status (p99Ms{request:status})']);
    for (const c of cases) expect(c.children.filter((x) => x.name === 'failure' || x.name === 'skipped').length).toBeLessThanOrEqual(1);
    for (const f of findAll(suite, 'failure')) expect(f.attrs['message']?.length).toBeGreaterThan(0);
  });

  it('fails a regression testcase only for what fails the run: gated regressions, and blind gated metrics where the scenario says so', () => {
    const r = passingResult();
    const compared = (verdict: 'regression' | 'blind' | 'ok', metric: string, gated: boolean) =>
      ({ metric, baseline: 10, current: 12, changePct: 20, ciLowPct: 12, ciHighPct: 28, verdict, gated, mdcPct: 6.1, runsNeeded: 4 });
    // A passing run with a reported-only regression (p99 is not gated) and a blind gated metric that only warns.
    const passing = testcases(renderJunit({ ...r, regressions: [compared('regression', 'p99Ms', false), compared('blind', 'p95Ms', true), compared('ok', 'p50Ms', true)] }));
    expect(findAll(passing.suite, 'failure')).toHaveLength(0);
    const p99 = passing.cases.find((c) => c.attrs['name'] === 'p99 latency (p99Ms)');
    expect(p99?.attrs['classname']).toBe('chaos-db.regressions.reported');
    expect(findAll(p99 as XmlElement, 'system-out')[0]?.text).toMatch(/detectable change 6\.1 %: worse \(not gated\)$/m);
    // Failed by a gated regression and a blind metric the scenario makes fail: exactly those two.
    const failed = testcases(renderJunit({
      ...r,
      verdict: 'fail',
      reasons: ['p50Ms regressed: 10 → 12, +20.0 %', 'p95Ms is blind: the smallest change the gate could see is 6.1 %'],
      regressions: [compared('regression', 'p50Ms', true), compared('blind', 'p95Ms', true), compared('regression', 'p99Ms', false)],
    }));
    const failedNames = failed.cases.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs['name']);
    expect(failedNames).toEqual(['verdict', 'p50 latency (p50Ms)', 'p95 latency (p95Ms)']);
  });

  it('a PASS run decided by the analysis holds no <failure>, whatever only warns', () => {
    const regressions = [
      gated('p50Ms', 'ok'), gated('p95Ms', 'suspect'), gated('errorRate', 'blind'), gated('mttrSec', 'no-data'),
      reported('p99Ms', 'regression'), reported('rps', 'regression'), reported('targetPeakCpuPercent', 'suspect'),
    ];
    const r = passingResult();
    const integrity = { ...(loadFixtureResult().integrity as NonNullable<RunResult['integrity']>), lost: 0, duplicated: 0, stuck: 3 };
    const decided = decideVerdict({ abortReason: null, steadyState: null, thresholds: r.thresholds, regressions, integrity, faults: [] });
    expect(decided.verdict).toBe('pass');
    expect(decided.warnings.length).toBeGreaterThanOrEqual(5);
    const { root, suite, cases } = testcases(renderJunit({ ...r, ...decided, regressions, integrity }));
    expect(findAll(root, 'failure')).toHaveLength(0);
    expect([root.attrs['failures'], suite.attrs['failures']]).toEqual(['0', '0']);
    // Still listed, as output: the two reported-only metrics that got worse.
    const worse = cases.filter((c) => /worse \(not gated\)/.test(findAll(c, 'system-out')[0]?.text ?? ''));
    expect(worse.map((c) => c.attrs['name'])).toEqual(['p99 latency (p99Ms)', 'throughput (rps)']);
  });

  it('a run failed by gated regressions has exactly their failures, beside the verdict and the other failed gates', () => {
    const regressions = [
      gated('p50Ms', 'regression'), gated('p95Ms', 'regression'), gated('errorRate', 'suspect'), gated('mttrSec', 'ok'),
      reported('p99Ms', 'regression'), reported('rps', 'regression'),
    ];
    const r = passingResult();
    const thresholds = [...r.thresholds, { metric: 'http_req_failed', expression: 'rate<0.001', actual: 0.004, pass: false }];
    const decided = decideVerdict({ abortReason: null, steadyState: null, thresholds, regressions, integrity: null, faults: [] });
    expect(decided.verdict).toBe('fail');
    const { suite, cases } = testcases(renderJunit({ ...r, ...decided, thresholds, regressions }));
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    expect(failed.map((c) => `${c.attrs['classname']} / ${c.attrs['name']}`)).toEqual([
      'chaos-db.run / verdict',
      'chaos-db.thresholds / http_req_failed rate<0.001',
      'chaos-db.regressions.gated / p50 latency (p50Ms)',
      'chaos-db.regressions.gated / p95 latency (p95Ms)',
    ]);
    expect(suite.attrs['failures']).toBe('4');
    for (const c of failed.slice(2)) expect(findAll(c, 'failure')[0]?.attrs['type']).toBe('regression');
    // The failure says both changes: raw (the medians) and at equal machine speed (what was judged).
    expect(findAll(failed[2] as XmlElement, 'failure')[0]?.attrs['message']).toBe(
      'p50 latency (p50Ms) regressed: baseline 4.563 ms, current 4.919 ms, raw change +7.8%, at equal machine speed +14.5%, 90% CI [+10.0%, +19.0%], detectable change 3.0 %',
    );
  });

  it('passes every testcase of a passing run', () => {
    const { suite, cases } = testcases(renderJunit(passingResult()));
    expect(suite.attrs['failures']).toBe('0');
    expect(cases.map((c) => c.attrs['name'])).toEqual(['verdict', ...passingResult().thresholds.map((t) => `${t.metric} ${t.expression}`)]);
    expect(findAll(suite, 'failure')).toHaveLength(0);
  });

  it('escapes names with markup, quotes and characters XML forbids', () => {
    const r = loadFixtureResult();
    const evil = `x"'<&>]]>\u0001\u001f\uD800y`;
    const xml = renderJunit({
      ...r,
      scenario: { ...r.scenario, name: evil },
      reasons: [`reason ${evil}`],
      thresholds: [{ metric: evil, expression: 'p(99)<1', actual: 2, pass: false }],
    });
    const { suite, cases } = testcases(xml);
    expect(suite.attrs['name']).toBe(`stresslab.x"'<&>]]>\uFFFD\uFFFD\uFFFDy`);
    expect(cases[1]?.attrs['name']).toBe(`x"'<&>]]>\uFFFD\uFFFD\uFFFDy p(99)<1`);
    expect(findAll(cases[0] as XmlElement, 'failure')[0]?.text).toBe('reason x"\'<&>]]>\uFFFD\uFFFD\uFFFDy');
  });

  it('the checker rejects malformed XML, so the tests above can fail', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXml('<a x="1 < 2"/>')).toThrow(/raw '<'/);
    expect(() => parseXml('<a>fish & chips</a>')).toThrow(/bare '&'/);
    expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
  });
});
