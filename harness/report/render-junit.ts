import type { FaultResult, RunResult, ThresholdResult } from '../contract/run-result.ts';
import { formatChangePct, formatCount, formatNumber, formatSec } from './format-value.ts';
import { formatCi, formatDetectable, GATE_OUTCOME_LABEL } from './verdict-label.ts';
import { gateTable, type GateRow, type GateTable } from './gate-table.ts';
import { gateRowCells, gateRowHeaders } from './gate-cells.ts';
import { escapeXml } from './xml-escape.ts';
import { outcomeProperties, outcomeSystemOut } from './outcome-junit.ts';

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
 * A `<failure>` is only what fails the run (docs/regression-gate.md, section JUnit): the verdict of
 * a run that did not pass, and each gate that made it so. What only warns (a reported-only or
 * suspect regression, a blind metric, stuck executions) is the testcase's output: a passing run's
 * JUnit holds no failure.
 */
export function renderJunit(result: RunResult): string {
  const suite = result.scenario.name;
  const cases: JunitCase[] = [
    verdictCase(result, suite),
    ...result.thresholds.map((t) => thresholdCase(t, suite)),
    ...regressionCases(result, suite),
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
    ['verdict', result.verdict], ...outcomeProperties(result),
  ].map(([k, v]) => `      <property name="${a(k ?? '')}" value="${a(v ?? '')}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stresslab" ${counts}>`,
    `  <testsuite name="${a(`stresslab.${suite}`)}" ${counts} timestamp="${a(result.startedAt.replace(/Z$/, ''))}">`,
    '    <properties>', ...props, '    </properties>',
    ...cases.map(caseXml),
    `    <system-out>${escapeXml(outcomeSystemOut(result))}</system-out>`,
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
 * the scenario makes that fail, report/gate-table.ts): everything else, a reported-only metric that
 * got worse included, is the testcase's output, so the JUnit of a passing run holds no failure.
 * Gated and reported-only metrics are told apart by classname (`…regressions.gated`, `…regressions.reported`).
 */
function regressionCase(g: GateRow, table: GateTable, suite: string, reasons: readonly string[]): JunitCase {
  const headers = gateRowHeaders(table).slice(2);
  const figures = gateRowCells(g, table).slice(2).map((cell, i) => `${headers[i] ?? ''} ${cell}`).join(', ');
  const summary = `${figures}, 90% CI ${formatCi(g.ciLowPct, g.ciHighPct, formatChangePct)}, detectable change ${formatDetectable({ mdcPct: g.mdcPct, runsNeeded: g.runsNeeded, verdict: g.verdict })}`;
  const name = g.label === g.metric ? g.metric : `${g.label} (${g.metric})`;
  const outcome = GATE_OUTCOME_LABEL[g.outcome].text;
  const out = [`${summary}: ${outcome}${g.gated || g.outcome === 'worse-not-gated' ? '' : ' (reported, not gated)'}`, ...(g.note === null ? [] : [g.note])].join('\n');
  const c: JunitCase = { classname: `${suite}.regressions.${g.gated ? 'gated' : 'reported'}`, name, out };
  if (g.outcome === 'regression') c.failure = { type: 'regression', message: `${name} regressed: ${summary}` };
  const blind = reasons.find((r) => r.startsWith(`${g.metric} is blind`));
  if (g.outcome === 'blind-fails') c.failure = { type: 'blind', message: blind ?? `${name} is blind` };
  if (g.verdict === 'no-data') c.skipped = `${name}: too few samples to compare`;
  return c;
}

function regressionCases(r: RunResult, suite: string): JunitCase[] {
  const table = gateTable(r);
  return table.rows.map((g) => regressionCase(g, table, suite, r.reasons));
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
    if (n === null || n === 0) return c;
    // Stuck executions warn (analysis/verdict.ts): they may still finish, so they do not fail the run.
    if (name === 'stuck') return { ...c, out: `${c.out}: ${formatCount(n)} ${what} (a warning, not a failure)` };
    c.failure = { type: 'integrity', message: `${formatCount(n)} of ${formatCount(i.accepted)} accepted requests ${what}` };
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
