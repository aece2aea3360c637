import { formatDuration } from '../core/duration.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { FaultPlan, PlannedFault } from '../faults/index.ts';
import { bodyParts, templateParts, tokensOf } from './k6-template-parts.ts';
import type { TemplatePart } from './k6-template-parts.ts';
import { k6Scenarios } from './k6-scenarios.ts';
import { k6Thresholds, SURFACING } from './k6-thresholds.ts';
import type { AbortThreshold, LeftOutThreshold } from './k6-thresholds.ts';
import { SCRIPT_RUNTIME, SUMMARY_BEGIN, SUMMARY_END } from './k6-script-runtime.ts';
import { fixedTargetUrl } from '../scenario/schema-target.ts';

/** The trend stats the importer needs: p(99)/p(99.9) for the result contract, count to weight merged averages. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

/** The request bodies file the script opens, beside it (see K6Export.bodies). */
export const BODIES_FILE = 'bodies.json';
/** k6's own end-of-test text summary (jslib k6-summary), which an exported handleSummary otherwise replaces. */
export const TEXT_SUMMARY_MODULE = 'https://jslib.k6.io/k6-summary/0.0.2/index.js';
/** The declaration file that types TEXT_SUMMARY_MODULE for tsc; the script references it. */
export const TEXT_SUMMARY_TYPES_FILE = 'k6-summary.d.ts';

export interface K6Export {
  /** The k6 script (TypeScript, k6 ≥ 0.57 runs it as is). */
  script: string;
  /**
   * The request bodies as template parts, one per request with a body (JSON), to write as
   * BODIES_FILE beside the script: it loads them once per test with open() in a SharedArray,
   * instead of every VU compiling a copy of a literal in the script (the rows-1k body is 94 KB).
   */
  bodies: string;
  /** TEXT_SUMMARY_TYPES_FILE's text, to write beside the script (k6 itself ignores it). */
  textSummaryTypes: string;
  /** Fault injections the script does not perform (k6 only makes load). */
  faultsLeftOut: PlannedFault[];
  /** Thresholds and abort conditions on metrics only the harness measures. */
  thresholdsLeftOut: LeftOutThreshold[];
  /** Abort conditions turned into abortOnFail thresholds. */
  aborts: AbortThreshold[];
  /** The k6 scenario names, in phase order. */
  k6ScenarioNames: string[];
}

export interface ExportOptions {
  /** Written into the header comment (e.g. the harness version); kept out of the logic. */
  generator?: string;
}

/** Scenario and its plan → k6 script text. Pure: the caller writes the files. */
export function exportK6Script(loaded: Pick<LoadedScenario, 'scenario' | 'bodies' | 'hash' | 'profile'>, plan: FaultPlan, options: ExportOptions = {}): K6Export {
  const { scenario } = loaded;
  const scenarios = k6Scenarios(scenario);
  const thresholds = k6Thresholds(scenario);
  const bodies: TemplatePart[][] = [];
  const requests = Object.fromEntries(scenario.requests.map((r) => [r.name, requestSpec(r, loaded.bodies, bodies)]));
  const allParts = Object.values(requests).flatMap((r) => [r.path, ...r.headers.map(([, h]) => h), r.body === null ? [] : (bodies[r.body] ?? [])]);
  const envNames = [...new Set(tokensOf(allParts.flat()).flatMap((t) => (t.t === 'env' ? [t.name] : [])))];
  const seqPerIteration = Math.max(1, ...Object.values(requests).map((r) => countSeq([r.path, ...r.headers.map(([, h]) => h), r.body === null ? [] : (bodies[r.body] ?? [])].flat())));
  const k6Options = {
    scenarios: Object.fromEntries(scenarios.map((s) => [s.k6Name, s.options])),
    thresholds: thresholds.thresholds,
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
  const phases = Object.fromEntries(scenarios.map((s, index) => [s.k6Name, { index, requests: s.requests }]));
  // Known only at run time for the embedded target and a target.start on {{port}}: BASE_URL must say.
  const defaultUrl = (fixedTargetUrl(scenario.target) ?? '').replace(/\/+$/, '');
  const script = [
    `/// <reference path="./${TEXT_SUMMARY_TYPES_FILE}" />`,
    header(loaded, options.generator ?? 'stresslab'),
    "import http from 'k6/http';",
    "import type { Params } from 'k6/http';",
    "import exec from 'k6/execution';",
    "import { SharedArray } from 'k6/data';",
    "import type { Options } from 'k6/options';",
    `import { textSummary } from '${TEXT_SUMMARY_MODULE}';`,
    '',
    `const SCENARIO_NAME = ${JSON.stringify(scenario.name)};`,
    `const SCENARIO_HASH = ${JSON.stringify(loaded.hash)};`,
    `const BODIES_FILE = ${JSON.stringify(`./${BODIES_FILE}`)};`,
    `/** The system under test; the scenario's target is ${JSON.stringify(scenario.target.url)}. */`,
    `const BASE_URL: string = (__ENV.BASE_URL ?? ${JSON.stringify(defaultUrl)}).replace(/\\/+$/, '');`,
    `const TIMEOUT = ${JSON.stringify(formatDuration(scenario.target.timeoutMs))};`,
    `const PHASE_COUNT = ${scenarios.length};`,
    `const SEQ_PER_ITERATION = ${seqPerIteration};`,
    `const ENV_NAMES: string[] = ${JSON.stringify(envNames)};`,
    `const SUMMARY_BEGIN = ${JSON.stringify(SUMMARY_BEGIN)};`,
    `const SUMMARY_END = ${JSON.stringify(SUMMARY_END)};`,
    `const SURFACING_EXPRESSIONS: string[] = ${JSON.stringify([...new Set(Object.values(SURFACING))])};`,
    `const PHASES: { [k6Scenario: string]: PhaseSpec } = ${JSON.stringify(phases, null, 2)};`,
    '',
    `export const options: Options = ${JSON.stringify(k6Options, null, 2)};`,
    SCRIPT_RUNTIME,
    `const REQUESTS: { [name: string]: RequestSpec } = ${JSON.stringify(requests, null, 1)};`,
    '',
  ].join('\n');
  return {
    script,
    bodies: `${JSON.stringify(bodies)}\n`,
    textSummaryTypes: TEXT_SUMMARY_TYPES,
    faultsLeftOut: plan.faults,
    thresholdsLeftOut: thresholds.leftOut,
    aborts: thresholds.aborts,
    k6ScenarioNames: scenarios.map((s) => s.k6Name),
  };
}

interface RequestSpecData {
  name: string;
  method: string;
  path: TemplatePart[];
  headers: [string, TemplatePart[]][];
  /** Index into the bodies file; null without a body. */
  body: number | null;
  weight: number;
  expect: number[] | null;
  capture: [string, string[]][];
  needs: string[];
}

function requestSpec(r: LoadedScenario['scenario']['requests'][number], loadedBodies: LoadedScenario['bodies'], bodies: TemplatePart[][]): RequestSpecData {
  const body = loadedBodies.get(r.name) ?? (r.body === undefined ? undefined : { kind: 'json' as const, value: r.body });
  const headers: [string, TemplatePart[]][] = Object.entries(r.headers ?? {}).map(([k, v]) => [k, templateParts(v)]);
  // Same rule as the harness's mix: a JSON body without a content-type header gets one.
  if (body?.kind === 'json' && !headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['content-type', ['application/json']]);
  const path = templateParts(r.path);
  const bodyP = body === undefined ? null : bodyParts(body);
  const needs = [...new Set(tokensOf([...path, ...headers.flatMap(([, h]) => h), ...(bodyP ?? [])]).flatMap((t) => (t.t === 'captured' ? [t.name] : [])))];
  if (bodyP !== null) bodies.push(bodyP);
  return {
    name: r.name,
    method: r.method,
    path,
    headers,
    body: bodyP === null ? null : bodies.length - 1,
    weight: r.weight,
    expect: r.expect?.status ?? null,
    capture: Object.entries(r.capture ?? {}).map(([name, p]) => [name, p.split('.')]),
    needs,
  };
}

function countSeq(parts: readonly TemplatePart[]): number {
  return tokensOf(parts).filter((t) => t.t === 'seq').length;
}

function header(loaded: Pick<LoadedScenario, 'scenario' | 'hash' | 'profile'>, generator: string): string {
  return `/*
 * k6 script generated by ${generator} from scenario "${loaded.scenario.name}" (profile ${loaded.profile ?? 'full'}, hash ${loaded.hash.slice(0, 12)}).
 * Do not edit: change the scenario and run \`stresslab k6 export\` again.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 script.ts        (k6 >= 0.57 runs TypeScript directly)
 *
 * Mapping (see README "k6"): each load phase is one k6 scenario with the same executor, options and
 * startTime, tagged phase:NAME; each request is tagged request:NAME, so the scenario's thresholds keep
 * their keys. One iteration sends one request of the weighted mix. Abort conditions are thresholds
 * with abortOnFail. Faults, and thresholds on harness-only metrics, are not in this script.
 * Request bodies are read once per test from ${BODIES_FILE} beside this script (open() in a SharedArray).
 * At the end k6's own text summary is printed (jslib k6-summary, fetched by k6 at start: use
 * \`k6 archive\` where the runners cannot reach jslib.k6.io), then the summary data between
 * "${SUMMARY_BEGIN}" markers, also written to $SUMMARY_FILE (default
 * stresslab-summary.json): \`stresslab k6 import\` reads either.
 */`;
}

/** Types for the jslib module, which @types/k6 does not declare (k6 runs the script without them). */
const TEXT_SUMMARY_TYPES = `// Types for k6's jslib text summary, so tsc --strict checks the script stresslab exported beside this file.
declare module '${TEXT_SUMMARY_MODULE}' {
  export function textSummary(data: object, options?: { indent?: string; enableColors?: boolean }): string;
}
`;
