import type { FaultResult, RegressionResult, RunResult, ThresholdResult } from '../contract/run-result.ts';
import { formatChangePct, formatCount, formatNumber, formatSec } from './format-value.ts';
import { formatCi, formatDetectable } from './verdict-label.ts';
import { metricSpecFor } from '../analysis/gate-metrics.ts';
import { escapeXml } from './xml-escape.ts';

/** One JUnit testcase; at most one of failure/skipped, as the common JUnit XML schema allows. */
interface JunitCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; detail?: string };
  skipped?: string;
  out?: string;
}

/**
 * The run as JUnit XML, so CI systems list every gate natively: one testcase for the verdict,
 * one per threshold, per compared regression metric, per integrity check (lost, stuck,
 * duplicated), per fault's recovery and per fault's effect. A `no-data` regression, and a fault
 * without effect that was not expected to have one, are reported as skipped.
 */
export function renderJunit(result: RunResult): string {
  const suite = result.scenario.name;
  const cases: JunitCase[] = [
    verdictCase(result, suite),
    ...result.thresholds.map((t) => thresholdCase(t, suite)),
    ...result.regressions.map((g) => regressionCase(g, suite, result.reasons)),
    ...integrityCases(result, suite),
    ...result.faults.flatMap((f) => [faultCase(f, suite), ...effectCase(f, suite)]),
  ];
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const seconds = Math.max(0, (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000).toFixed(3);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}"`;
  const a = (s: string): string => escapeXml(s);
  const props = [
    ['runId', result.runId], ['scenario.file', result.scenario.file], ['scenario.hash', result.scenario.hash],
    ['profile', result.scenario.profile ?? ''], ['environment', result.environment.name], ['target', result.target.url],
    ['verdict', result.verdict],
  ].map(([k, v]) => `      <property name="${a(k ?? '')}" value="${a(v ?? '')}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stresslab" ${counts}>`,
    `  <testsuite name="${a(`stresslab.${suite}`)}" ${counts} timestamp="${a(result.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>', ...props, '    </properties>',
    ...cases.map(caseXml),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function caseXml(c: JunitCase): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
  const inner: string[] = [];
  if (c.failure) {
    const detail = c.failure.detail === undefined ? '' : escapeXml(c.failure.detail);
    inner.push(`      <failure type="${escapeXml(c.failure.type)}" message="${escapeXml(c.failure.message)}">${detail}</failure>`);
  }
  if (c.skipped !== undefined) inner.push(`      <skipped message="${escapeXml(c.skipped)}"/>`);
  if (c.out !== undefined) inner.push(`      <system-out>${escapeXml(c.out)}</system-out>`);
  return inner.length === 0 ? `${open}/>` : `${open}>\n${inner.join('\n')}\n    </testcase>`;
}

function verdictCase(r: RunResult, suite: string): JunitCase {
  const c: JunitCase = { classname: `${suite}.run`, name: 'verdict' };
  if (r.verdict !== 'pass') {
    c.failure = { type: r.verdict, message: `run ${r.verdict === 'aborted' ? 'was aborted' : r.verdict === 'error' ? 'could not finish: the harness failed' : r.verdict === 'inconclusive' ? 'was inconclusive' : 'failed'}`, detail: r.reasons.join('\n') };
  }
  if (r.warnings.length > 0) c.out = r.warnings.map((w) => `warning: ${w}`).join('\n');
  return c;
}

function thresholdCase(t: ThresholdResult, suite: string): JunitCase {
  const c: JunitCase = { classname: `${suite}.thresholds`, name: `${t.metric} ${t.expression}`, out: `actual ${formatNumber(t.actual)}` };
  if (!t.pass) c.failure = { type: 'threshold', message: `${t.metric}: actual ${formatNumber(t.actual)} does not satisfy ${t.expression}` };
  return c;
}

/**
 * A failure only where the comparison failed the run (a gated regression; a blind gated metric where
 * the scenario makes that fail): a reported-only regression is the testcase's output, so the JUnit
 * of a passing run holds no failure.
 */
function regressionCase(g: RegressionResult, suite: string, reasons: readonly string[]): JunitCase {
  const summary = `baseline ${formatNumber(g.baseline)}, current ${formatNumber(g.current)}, change ${formatChangePct(g.changePct)}, `
    + `90% CI ${formatCi(g.ciLowPct, g.ciHighPct, formatChangePct)}, detectable change ${formatDetectable(g)}`;
  const gated = g.gated ?? metricSpecFor(g.metric)?.gated ?? false;
  const c: JunitCase = { classname: `${suite}.regressions`, name: g.metric, out: `${summary}: ${g.verdict}${gated ? '' : ' (reported, not gated)'}` };
  if (g.verdict === 'regression' && gated) c.failure = { type: 'regression', message: `${g.metric} regressed: ${summary}` };
  const blind = reasons.find((r) => r.startsWith(`${g.metric} is blind`));
  if (g.verdict === 'blind' && gated && blind !== undefined) c.failure = { type: 'blind', message: blind };
  if (g.verdict === 'no-data') c.skipped = `${g.metric}: too few samples to compare`;
  return c;
}

function integrityCases(r: RunResult, suite: string): JunitCase[] {
  const i = r.integrity;
  if (i === null) return [];
  if (i.status === 'error') {
    const reason = i.reason ?? 'unknown error';
    return [{ classname: `${suite}.integrity`, name: 'audit', out: reason, failure: { type: 'integrity', message: `the integrity audit could not be completed: ${reason}` } }];
  }
  const checks = [
    ['lost', i.lost, 'accepted but never stored'],
    ['stuck', i.stuck, 'not terminal after the grace period'],
    ['duplicated', i.duplicated, 'with a duplicated effect'],
  ] as const;
  return checks.map(([name, n, what]): JunitCase => {
    const c: JunitCase = { classname: `${suite}.integrity`, name, out: `${formatCount(n ?? 0)} of ${formatCount(i.accepted)} accepted` };
    if (n !== null && n > 0) c.failure = { type: 'integrity', message: `${formatCount(n)} of ${formatCount(i.accepted)} accepted requests ${what}` };
    return c;
  });
}

function faultCase(f: FaultResult, suite: string): JunitCase {
  const effect = f.effect === undefined ? '' : `, effect ${f.effect}${f.expectEffect === false ? ' (not expected)' : ''}`;
  const out = `${f.kind}: injected at ${f.injectedAtMs} ms, removed at ${f.removedAtMs} ms, TTD ${formatSec(f.ttdSec)}, TTR ${formatSec(f.ttrSec)}${effect}`;
  const c: JunitCase = { classname: `${suite}.faults`, name: `${f.name} recovers`, out };
  if (!f.recovered) c.failure = { type: 'recovery', message: `${f.name} (${f.kind}) never recovered after removal` };
  return c;
}

/**
 * Whether a fault bit (docs/fault-effect.md): a failure when its effect was expected and not seen
 * (the run is inconclusive), skipped when the scenario does not expect one and none was seen.
 */
function effectCase(f: FaultResult, suite: string): JunitCase[] {
  if (f.effect === undefined) return [];
  const c: JunitCase = { classname: `${suite}.faults`, name: `${f.name} has an observable effect`, out: (f.evidence?.summary ?? []).join('\n') };
  if (f.effect === 'observed') return [c];
  if (f.expectEffect === false) return [{ ...c, skipped: `effect ${f.effect}, not expected (expectEffect: false)` }];
  const why = f.evidence?.summary[0] ?? 'no evidence';
  c.failure = { type: 'effect', message: `${f.name} (${f.kind}) had ${f.effect === 'none' ? 'no observable effect' : 'an effect that could not be established'}: ${why}` };
  return [c];
}
