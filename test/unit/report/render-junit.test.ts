import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../harness/report/render-junit.ts';
import { loadFixtureResult, passingResult } from '../../fixtures/report/load-fixture.ts';
import { findAll, parseXml, type XmlElement } from './xml-tree.ts';

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
    // verdict + 3 thresholds + 5 regressions + 3 integrity checks + 2 faults
    expect(cases).toHaveLength(14);
    const failed = cases.filter((c) => c.children.some((x) => x.name === 'failure'));
    const skipped = cases.filter((c) => c.children.some((x) => x.name === 'skipped'));
    for (const el of [root, suite]) {
      expect(el.attrs).toMatchObject({ tests: '14', failures: String(failed.length), errors: '0', skipped: String(skipped.length), time: '180.000' });
    }
    expect(failed.map((c) => `${c.attrs['classname']} / ${c.attrs['name']}`)).toEqual([
      'chaos-db.run / verdict',
      'chaos-db.thresholds / http_req_duration{request:validate} p(95)<250',
      'chaos-db.integrity / stuck',
      'chaos-db.faults / db-partition recovers',
    ]);
    expect(skipped.map((c) => c.attrs['name'])).toEqual(['requests.status.p99']);
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
    const p99 = passing.cases.find((c) => c.attrs['name'] === 'p99Ms');
    expect(findAll(p99 as XmlElement, 'system-out')[0]?.text).toMatch(/detectable change 6\.1 %: regression \(reported, not gated\)/);
    // Failed by a gated regression and a blind metric the scenario makes fail: exactly those two.
    const failed = testcases(renderJunit({
      ...r,
      verdict: 'fail',
      reasons: ['p50Ms regressed: 10 → 12, +20.0 %', 'p95Ms is blind: the smallest change the gate could see is 6.1 %'],
      regressions: [compared('regression', 'p50Ms', true), compared('blind', 'p95Ms', true), compared('regression', 'p99Ms', false)],
    }));
    const failedNames = failed.cases.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs['name']);
    expect(failedNames).toEqual(['verdict', 'p50Ms', 'p95Ms']);
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
