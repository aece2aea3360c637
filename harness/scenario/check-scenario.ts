import type { InputProblem } from '../core/stresslab-error.ts';
import { compileJsonTemplate, compileTemplate } from '../core/template.ts';
import type { CompiledTemplate, TemplateProblem } from '../core/template.ts';
import type { MetricKey } from '../core/threshold-expression.ts';
import { formatJsonPath, joinJsonPath } from '../core/json-path.ts';
import type { RequestBody } from './request-bodies.ts';
import type { Scenario } from './scenario-schema.ts';
import { checkFaultReferences } from './check-faults.ts';

/**
 * Checks across fields, after the schema passed: unique names, tags and capture variables that
 * refer to something, templates that compile, executor options that fit together.
 */
export function checkScenario(s: Scenario, bodies: ReadonlyMap<string, RequestBody>): InputProblem[] {
  const problems: InputProblem[] = [];
  const requestNames = duplicates(s.requests.map((r) => r.name), (i) => `requests[${i}].name`, 'request', problems);
  const phaseNames = duplicates(s.load.map((p) => p.name), (i) => `load[${i}].name`, 'phase', problems);
  const needs = checkRequestTemplates(s, bodies, problems);
  checkPhases(s, requestNames, needs, problems);
  checkMetricTags(s, requestNames, phaseNames, problems);
  const captured = new Set(s.requests.flatMap((r) => Object.keys(r.capture ?? {})));
  const audit = s.audit?.executions.capture;
  if (audit !== undefined && !captured.has(audit)) {
    problems.push({ path: 'audit.executions.capture', message: `no request captures "${audit}"`, hint: `add "capture": {"${audit}": "id"} to the request that creates executions` });
  }
  problems.push(...checkFaultReferences(s));
  return problems;
}

function duplicates(names: string[], path: (i: number) => string, what: string, problems: InputProblem[]): Set<string> {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) problems.push({ path: path(i), message: `${what} name "${n}" is used twice`, hint: `give every ${what} a unique name` });
    seen.add(n);
  });
  return seen;
}

/** Compiles every template once to report its errors; returns the capture variables each request needs. */
function checkRequestTemplates(s: Scenario, bodies: ReadonlyMap<string, RequestBody>, problems: InputProblem[]): Map<string, string[]> {
  const declared = new Set(s.requests.flatMap((r) => Object.keys(r.capture ?? {})));
  const needs = new Map<string, string[]>();
  // A body file named by many requests is one body: compiled once (a 1,000-row file is serialized
  // whole), its problems reported at each request.
  type Compiled = { template: CompiledTemplate; problems: TemplateProblem[] };
  const compiledJson = new Map<unknown, Compiled>();
  const compiledText = new Map<string, Compiled>();
  const compileBody = (body: RequestBody, found: TemplateProblem[]): CompiledTemplate => {
    const cache: Map<unknown, Compiled> = body.kind === 'json' ? compiledJson : compiledText;
    const key = body.kind === 'json' ? body.value : body.text;
    let done = cache.get(key);
    if (done === undefined) {
      const problems: TemplateProblem[] = [];
      done = { template: body.kind === 'json' ? compileJsonTemplate(body.value, problems) : compileTemplate(body.text, problems), problems };
      cache.set(key, done);
    }
    found.push(...done.problems);
    return done.template;
  };
  s.requests.forEach((r, i) => {
    const found: TemplateProblem[] = [];
    const report = (where: string): void => {
      for (const p of found.splice(0)) problems.push({ path: joinJsonPath(`requests[${i}]`, joinJsonPath(where, formatJsonPath(p.path))), message: p.message, hint: p.hint });
    };
    const used = [compileTemplate(r.path, found)];
    report('path');
    for (const [k, v] of Object.entries(r.headers ?? {})) {
      used.push(compileTemplate(v, found));
      report(formatJsonPath(['headers', k]));
    }
    const body = bodies.get(r.name);
    if (body) used.push(compileBody(body, found));
    report(r.bodyFile !== undefined ? 'bodyFile' : 'body');
    const vars = [...new Set(used.flatMap((t) => t.captures))];
    for (const v of vars.filter((x) => !declared.has(x))) {
      problems.push({ path: `requests[${i}]`, message: `{{captured ${v}}} but no request captures "${v}"`, hint: `add "capture": {"${v}": "<json path>"} to the request whose response holds it` });
    }
    needs.set(r.name, vars);
  });
  return needs;
}

function checkPhases(s: Scenario, requestNames: Set<string>, needs: Map<string, string[]>, problems: InputProblem[]): void {
  s.load.forEach((p, i) => {
    const at = `load[${i}]`;
    const names = p.requests ?? s.requests.map((r) => r.name);
    p.requests?.forEach((n, j) => {
      if (!requestNames.has(n)) problems.push({ path: `${at}.requests[${j}]`, message: `unknown request "${n}"`, hint: `use one of: ${[...requestNames].join(', ')}` });
    });
    if (names.length > 0 && names.every((n) => (needs.get(n) ?? []).length > 0)) {
      problems.push({ path: `${at}.requests`, message: 'every request of this phase needs a captured value, so none could be sent first', hint: 'include a request that does not use {{captured …}} (e.g. the one that creates the ids)' });
    }
    if ('maxVUs' in p && p.maxVUs !== undefined && p.maxVUs < p.preAllocatedVUs) {
      problems.push({ path: `${at}.maxVUs`, message: `maxVUs ${p.maxVUs} is below preAllocatedVUs ${p.preAllocatedVUs}`, hint: 'set maxVUs ≥ preAllocatedVUs, or leave it out' });
    }
    if ('timeUnitMs' in p && p.timeUnitMs === 0) problems.push({ path: `${at}.timeUnit`, message: 'timeUnit is zero', hint: 'use e.g. "1s" or "1m"' });
    if ('durationMs' in p && p.durationMs === 0) problems.push({ path: `${at}.duration`, message: 'duration is zero', hint: 'use e.g. "30s" or "10m"' });
    if ('maxDurationMs' in p && p.maxDurationMs === 0) problems.push({ path: `${at}.maxDuration`, message: 'maxDuration is zero', hint: 'use e.g. "10m"' });
    if ('stages' in p && p.stages.every((st) => st.durationMs === 0)) {
      problems.push({ path: `${at}.stages`, message: 'all stages last zero time', hint: 'give at least one stage a duration, e.g. "30s"' });
    }
  });
}

/** Tag values name requests and phases that exist (the schema checked the tag names and aggregations). */
function checkMetricTags(s: Scenario, requests: Set<string>, phases: Set<string>, problems: InputProblem[]): void {
  const check = (key: MetricKey, path: string): void => {
    for (const [tag, value] of Object.entries(key.tags)) {
      const known = tag === 'request' ? requests : tag === 'phase' ? phases : null;
      if (known && !known.has(value)) problems.push({ path, message: `${tag} "${value}" does not exist`, hint: `use one of: ${[...known].join(', ')}` });
    }
  };
  for (const t of s.thresholds) check(t.key, formatJsonPath(['thresholds', t.key.source]));
  for (const c of s.abort) check(c.metric, formatJsonPath(['abort', c.metric.source]));
}
