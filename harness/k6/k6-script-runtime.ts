/**
 * The fixed part of every exported k6 script: request bodies shared by all VUs, rendering
 * templates, picking requests by weight, captures, and the summary. Kept as source text (it runs
 * inside k6, not in Node) and typed against @types/k6 by the export tests. It reproduces
 * harness/load/template.ts and harness/load/request-mix.ts with one deliberate difference each
 * where k6 has no shared memory:
 * - `{{captured X}}`: each VU keeps its OWN recent values (k6 VUs are separate JS runtimes); a
 *   request whose captures this VU has not seen yet is not picked, like the harness's ready set.
 * - `{{seq}}`: k6 has no run-wide counter, so the value is derived from
 *   `exec.scenario.iterationInTest` (unique across VUs and k6-operator pods): unique per run and
 *   increasing within a phase; with one phase and one {{seq}} per request it is 1, 2, 3… exactly.
 * - `{{uuid}}`/`{{randInt}}` use Math.random (k6 has no seeded RNG): same formats and bounds.
 */
export const SUMMARY_BEGIN = '-----BEGIN STRESSLAB K6 SUMMARY-----';
export const SUMMARY_END = '-----END STRESSLAB K6 SUMMARY-----';

export const SCRIPT_RUNTIME = String.raw`
type Token =
  | { t: 'uuid' }
  | { t: 'seq' }
  | { t: 'randInt'; min: number; max: number }
  | { t: 'captured'; name: string }
  | { t: 'env'; name: string }
  | { t: 'json'; parts: Part[] };
type Part = string | Token;

interface RequestSpec {
  name: string;
  method: string;
  path: Part[];
  headers: [string, Part[]][];
  /** Index into BODIES; null without a body. */
  body: number | null;
  weight: number;
  /** Statuses that count as success; null = k6's default 200–399. */
  expect: number[] | null;
  capture: [string, string[]][];
  needs: string[];
}

interface PhaseSpec {
  index: number;
  requests: string[];
}

interface SummaryMetric {
  type: string;
  values: { [stat: string]: number };
  thresholds?: { [expression: string]: { ok: boolean } };
}

interface SummaryData {
  metrics: { [name: string]: SummaryMetric };
  state?: { testRunDurationMs?: number; isStdOutTTY?: boolean };
  options?: { noColor?: boolean };
}

/**
 * Request bodies, read once per test in the init context and shared by all VUs: a literal in the
 * script would be compiled into every VU's own runtime (k6 VUs share no memory), 94 KB each for rows-1k.
 */
const BODIES = new SharedArray<Part[]>('stresslab request bodies', function (): Part[][] {
  return JSON.parse(open(BODIES_FILE)) as Part[][];
});

const CAPTURE_CAPACITY = 1000;
/** This VU's captured values, most recent last (k6 VUs share no memory). */
const captured: { [name: string]: string[] } = {};
let seqInIteration = 0;

function uuid(): string {
  const hex = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) out += '-';
    else if (i === 14) out += '4';
    else if (i === 19) out += hex.charAt(8 + Math.floor(Math.random() * 4));
    else out += hex.charAt(Math.floor(Math.random() * 16));
  }
  return out;
}

function randInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

function nextSeq(phase: PhaseSpec): number {
  const iteration = exec.scenario.iterationInTest;
  return 1 + (iteration * PHASE_COUNT + phase.index) * SEQ_PER_ITERATION + seqInIteration++;
}

function pickCaptured(name: string): string | undefined {
  const values = captured[name];
  if (values === undefined || values.length === 0) return undefined;
  return values[Math.floor(Math.random() * values.length)];
}

function render(parts: Part[], phase: PhaseSpec, encode: boolean): string | undefined {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    let value: string | undefined;
    switch (p.t) {
      case 'uuid': value = uuid(); break;
      case 'seq': value = String(nextSeq(phase)); break;
      case 'randInt': value = String(randInt(p.min, p.max)); break;
      case 'captured': value = pickCaptured(p.name); break;
      case 'env': value = __ENV[p.name] ?? ''; break;
      case 'json': {
        const inner = render(p.parts, phase, false);
        value = inner === undefined ? undefined : JSON.stringify(inner);
        break;
      }
    }
    if (value === undefined) return undefined;
    out += encode ? encodeURIComponent(value) : value;
  }
  return out;
}

function isReady(spec: RequestSpec): boolean {
  return spec.needs.every((name) => (captured[name]?.length ?? 0) > 0);
}

function pick(phase: PhaseSpec): RequestSpec {
  const ready = phase.requests.map((name) => REQUESTS[name]).filter((s): s is RequestSpec => s !== undefined && isReady(s));
  let total = 0;
  for (const s of ready) total += s.weight;
  let x = Math.random() * total;
  for (const s of ready) {
    x -= s.weight;
    if (x < 0) return s;
  }
  const last = ready[ready.length - 1];
  if (last === undefined) throw new Error('no request of this phase can be sent yet: all need captured values');
  return last;
}

function readJsonPath(body: unknown, path: string[]): string | undefined {
  let cur: unknown = body;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[Number(key)] : (cur as { [k: string]: unknown })[key];
  }
  if (typeof cur === 'string') return cur;
  if ((typeof cur === 'number' && isFinite(cur)) || typeof cur === 'boolean') return String(cur);
  return undefined;
}

function keepCaptures(spec: RequestSpec, status: number, body: unknown): void {
  const ok = spec.expect === null ? status >= 200 && status <= 399 : spec.expect.indexOf(status) >= 0;
  if (!ok || typeof body !== 'string') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    return; // a garbled answer is the target's failure, counted by its status
  }
  for (const [name, path] of spec.capture) {
    const value = readJsonPath(parsed, path);
    if (value === undefined) continue;
    const values = captured[name] ?? (captured[name] = []);
    if (values.length >= CAPTURE_CAPACITY) values.shift();
    values.push(value);
  }
}

/** Fails the test before any load when the environment is incomplete (setup runs once). */
export function setup(): void {
  if (BASE_URL === '') throw new Error('BASE_URL is not set: run k6 with -e BASE_URL=http://host:port');
  for (const name of ENV_NAMES) {
    if (__ENV[name] === undefined) throw new Error('the scenario uses {{env ' + name + '}} but ' + name + ' is not set: pass -e ' + name + '=...');
  }
}

/** One iteration sends one request of the phase's mix, as in the harness. */
export default function (): void {
  const phase = PHASES[exec.scenario.name];
  if (phase === undefined) throw new Error('no phase for k6 scenario ' + exec.scenario.name);
  seqInIteration = 0;
  const spec = pick(phase);
  const headers: { [name: string]: string } = {};
  for (const [name, parts] of spec.headers) headers[name] = render(parts, phase, false) ?? '';
  const path = render(spec.path, phase, true) ?? '';
  const body = spec.body === null ? null : (render(BODIES[spec.body] ?? [], phase, false) ?? null);
  const params: Params = { headers, tags: { request: spec.name, name: spec.name }, timeout: TIMEOUT };
  if (spec.expect !== null) params.responseCallback = http.expectedStatuses(...spec.expect);
  const res = http.request(spec.method, BASE_URL + path, body, params);
  if (spec.capture.length > 0) keepCaptures(spec, res.status, res.body);
}

function statLine(data: SummaryData, key: string, stat: string, label: string): string {
  const value = data.metrics[key]?.values[stat];
  return value === undefined ? '' : '  ' + label + ': ' + (Math.round(value * 1000) / 1000) + '\n';
}

/**
 * k6's own end-of-test summary (an exported handleSummary replaces it unless it returns it), a short
 * stresslab summary, then the summary data as JSON between markers (so pod logs are importable) and
 * the same JSON in a file. The JSON adds a \`stresslab\` block: the scenario it was exported from and
 * the time the summary was written, the test's end, from which the importer knows when it started.
 */
export function handleSummary(data: SummaryData): { [output: string]: string } {
  const colors = data.state?.isStdOutTTY === true && data.options?.noColor !== true;
  let text = textSummary(data, { indent: ' ', enableColors: colors }) + '\n\n';
  text += 'stresslab scenario ' + SCENARIO_NAME + '\n';
  text += statLine(data, 'http_reqs', 'count', 'requests');
  text += statLine(data, 'http_req_failed', 'rate', 'failed rate');
  text += statLine(data, 'http_req_duration', 'p(95)', 'p95 ms');
  text += statLine(data, 'http_req_duration', 'p(99)', 'p99 ms');
  for (const name of Object.keys(data.metrics)) {
    const thresholds = data.metrics[name]?.thresholds ?? {};
    for (const expression of Object.keys(thresholds)) {
      if (SURFACING_EXPRESSIONS.indexOf(expression) >= 0) continue;
      text += '  ' + (thresholds[expression]?.ok ? 'ok  ' : 'FAIL') + ' ' + name + ' ' + expression + '\n';
    }
  }
  const json = JSON.stringify(Object.assign({}, data, { stresslab: { scenario: SCENARIO_NAME, scenarioHash: SCENARIO_HASH, summaryAt: new Date().toISOString() } }));
  const file = __ENV.SUMMARY_FILE ?? 'stresslab-summary.json';
  return { stdout: text + SUMMARY_BEGIN + '\n' + json + '\n' + SUMMARY_END + '\n', [file]: json };
}
`;
