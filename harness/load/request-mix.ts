import type { PreparedRequest, RequestFactory } from './engine.ts';
import type { Rng } from '../core/seeded-rng.ts';
import type { LoadedScenario } from '../scenario/load-scenario.ts';
import type { ScenarioRequest } from '../scenario/schema-requests.ts';
import type { RequestBody } from '../scenario/request-bodies.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { WHOLE } from './execution-segment.ts';
import type { ExecutionSegment } from './execution-segment.ts';
import { CapturePool, readJsonPath } from './request-mix-captures.ts';
import { compileJsonTemplate, compileTemplate } from '../core/template.ts';
import type { CompiledTemplate, TemplateProblem, TemplateScope } from '../core/template.ts';

export interface RequestMixOptions {
  rng: Rng;
  /** Names of the requests the default `next` picks from (a phase's `requests`); default all. */
  phaseRequests?: readonly string[] | undefined;
  /**
   * Called for every value captured, so the runner can keep all audit ids (the pool keeps only recent
   * ones); `headers` are the request's, so an idempotency key can travel with the id it produced.
   */
  onCapture?: ((name: string, value: string, headers: Readonly<Record<string, string>>) => void) | undefined;
  /** Values for `{{env NAME}}` (default process.env). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Values kept per capture variable for `{{captured NAME}}` (default 10,000). */
  captureCapacity?: number | undefined;
  /**
   * The execution segment this mix serves (execution-segment.ts): `{{seq}}` then counts index+1,
   * index+1+count, … so the segments together never repeat a number. Default the whole load.
   */
  segment?: ExecutionSegment | undefined;
}

/** A request factory over the scenario's mix; `forRequests` gives one per phase sharing captures and `{{seq}}`. */
export interface RequestMix extends RequestFactory {
  forRequests(names: readonly string[]): RequestFactory;
  readonly captures: CapturePool;
}

interface Entry {
  request: ScenarioRequest;
  path: CompiledTemplate;
  headers: [string, CompiledTemplate][];
  body: CompiledTemplate | null;
  needs: string[];
  expected: readonly number[] | undefined;
  onBody: ((status: number, body: string, headers: Readonly<Record<string, string>>) => void) | undefined;
  /** The request itself when nothing in it is templated: handed out again and again, encoded once by the engines. */
  constant: PreparedRequest | null;
}

/** What a mix is built from: the scenario's requests and their loaded bodies. */
export interface RequestMixSource {
  scenario: { requests: readonly ScenarioRequest[] };
  bodies: LoadedScenario['bodies'];
}

export function createRequestMix(source: RequestMixSource, options: RequestMixOptions): RequestMix {
  const pool = new CapturePool(options.captureCapacity);
  const env = options.env ?? process.env;
  let seq = 0;
  const { index, count } = options.segment ?? WHOLE;
  const scope: TemplateScope = {
    rng: options.rng,
    nextSeq: () => seq++ * count + index + 1,
    captured: (name) => pool.pick(name, options.rng),
    env: (name) => env[name],
  };
  const entries = new Map(source.scenario.requests.map((r) => [r.name, compileEntry(r, source.bodies, pool, options.onCapture)]));
  for (const e of entries.values()) {
    for (const t of [e.path, e.body, ...e.headers.map(([, h]) => h)]) {
      for (const name of t?.envNames ?? []) {
        if (env[name] === undefined) throw new StresslabError('BAD_SCENARIO', `request "${e.request.name}" uses {{env ${name}}} but ${name} is not set`, { hint: `export ${name}=… before running` });
      }
    }
  }
  const forRequests = (names: readonly string[]): RequestFactory => {
    const picker = new WeightedPicker(names.map((n) => entries.get(n)).filter((e): e is Entry => e !== undefined), pool, options.rng);
    return { next: () => prepare(picker.pick(), scope) };
  };
  const all = forRequests(options.phaseRequests ?? source.scenario.requests.map((r) => r.name));
  return { next: all.next, forRequests, captures: pool };
}

function compileEntry(r: ScenarioRequest, bodies: Pick<LoadedScenario, 'bodies'>['bodies'], pool: CapturePool, onCapture: RequestMixOptions['onCapture']): Entry {
  const problems: TemplateProblem[] = [];
  const path = compileTemplate(r.path, problems, encodeURIComponent);
  const headers: [string, CompiledTemplate][] = Object.entries(r.headers ?? {}).map(([k, v]) => [k, compileTemplate(v, problems)]);
  const b: RequestBody | undefined = bodies.get(r.name) ?? (r.body === undefined ? undefined : { kind: 'json', value: r.body });
  const body = b === undefined ? null : b.kind === 'json' ? compileJsonTemplate(b.value, problems) : compileTemplate(b.text, problems);
  if (problems[0]) throw new StresslabError('BAD_SCENARIO', `request "${r.name}": ${problems[0].message}`, { hint: problems[0].hint });
  if (b?.kind === 'json' && !headers.some(([k]) => k.toLowerCase() === 'content-type')) {
    headers.push(['content-type', compileTemplate('application/json', problems)]);
  }
  const needs = [...new Set([path, body, ...headers.map(([, h]) => h)].flatMap((t) => t?.captures ?? []))];
  const expected = r.expect?.status;
  const entry: Entry = { request: r, path, headers, body, needs, expected, onBody: captureHandler(r, expected, pool, onCapture), constant: null };
  const fixed = path.constant !== null && (body === null || body.constant !== null) && headers.every(([, h]) => h.constant !== null);
  if (fixed) entry.constant = Object.freeze({ ...prepare(entry, CONSTANT_SCOPE), constant: true });
  return entry;
}

/** Rendering a template without placeholders reads nothing from its scope. */
const CONSTANT_SCOPE: TemplateScope = {
  rng: () => 0,
  nextSeq: () => 0,
  captured: () => undefined,
  env: () => undefined,
};

function captureHandler(r: ScenarioRequest, expected: readonly number[] | undefined, pool: CapturePool, onCapture: RequestMixOptions['onCapture']): Entry['onBody'] {
  const captures = Object.entries(r.capture ?? {}).map(([name, path]) => ({ name, path: path.split('.') }));
  if (captures.length === 0) return undefined;
  return (status, text, headers) => {
    const ok = expected ? expected.includes(status) : status >= 200 && status <= 399;
    if (!ok) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return; // a garbled answer is the target's failure, counted by its status; nothing to capture
    }
    for (const c of captures) {
      const value = readJsonPath(body, c.path);
      if (value === undefined) continue;
      pool.add(c.name, value);
      onCapture?.(c.name, value, headers);
    }
  };
}

function prepare(e: Entry, scope: TemplateScope): PreparedRequest {
  if (e.constant !== null) return e.constant;
  const headers: Record<string, string> = {};
  for (const [k, t] of e.headers) headers[k] = t.render(scope) ?? '';
  return {
    name: e.request.name,
    method: e.request.method,
    path: e.path.render(scope) ?? e.request.path,
    headers,
    body: e.body?.render(scope),
    expectedStatuses: e.expected,
    ...(e.onBody ? { onBody: bindHeaders(e.onBody, headers) } : {}),
  };
}

function bindHeaders(onBody: NonNullable<Entry['onBody']>, headers: Readonly<Record<string, string>>): PreparedRequest['onBody'] {
  return (status, body) => onBody(status, body, headers);
}

/** Weighted choice among the requests whose captured values exist; the ready set only grows, so it is recomputed rarely. */
class WeightedPicker {
  private ready: Entry[] = [];
  private cumulative: number[] = [];
  private seenVersion = -1;

  constructor(private readonly entries: readonly Entry[], private readonly pool: CapturePool, private readonly rng: Rng) {}

  pick(): Entry {
    if (this.seenVersion !== this.pool.version) this.refresh();
    const total = this.cumulative.at(-1);
    if (total === undefined) {
      throw new StresslabError('BAD_SCENARIO', `no request can be sent yet: ${this.entries.map((e) => e.request.name).join(', ')} all need captured values`, {
        hint: 'include a request without {{captured …}} in every phase',
      });
    }
    const x = this.rng() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.ready[lo] ?? (this.ready[0] as Entry);
  }

  private refresh(): void {
    this.seenVersion = this.pool.version;
    this.ready = this.entries.filter((e) => e.needs.every((n) => this.pool.has(n)));
    let sum = 0;
    this.cumulative = this.ready.map((e) => (sum += e.request.weight));
  }
}
