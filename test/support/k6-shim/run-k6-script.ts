import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { shimState } from './shim-state.ts';
import type { RecordedRequest } from './shim-state.ts';

/**
 * Child-process entry (node --import tsx --import ./register-shim.mjs run-k6-script.ts INPUT.json):
 * runs an exported k6 script under the shim and prints {records, setupError, summary} as JSON.
 * Each simulated VU imports the script under its own URL, so it gets its own module state, as
 * k6 VUs do. Iterations of a k6 scenario go round-robin over the VUs.
 */

export interface ShimRunInput {
  script: string;
  vus: number;
  iterationsPerScenario: number;
  env: Record<string, string>;
  /** A handleSummary `data` object to pass to the script's handleSummary. */
  summaryData?: unknown;
}

export interface ShimRunOutput {
  records: RecordedRequest[];
  /** What the script open()ed and which SharedArrays it built, over all VUs. */
  opens: string[];
  sharedArrayBuilds: string[];
  setupError: string | null;
  summary: Record<string, string> | null;
  scenarios: string[];
}

interface ScriptModule {
  default: () => void;
  setup?: () => void;
  handleSummary?: (data: unknown) => Record<string, string>;
  options: { scenarios?: Record<string, unknown> };
}

const input = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as ShimRunInput;
(globalThis as Record<string, unknown>).__ENV = input.env;
shimState.respond = ({ method, count, vu }) => ({
  // Every fifth answer is a 503 carrying an id too: a capture must never keep it.
  status: count % 5 === 4 ? 503 : method === 'POST' ? 202 : 200,
  body: JSON.stringify({ id: `id-${vu}-${count}`, data: { items: [{ id: `item-${vu}-${count}` }] } }),
});

// k6's open(): a file relative to the script, read in the init context.
(globalThis as Record<string, unknown>).open = (file: string): string => {
  shimState.opens.push(file);
  return readFileSync(path.resolve(path.dirname(input.script), file), 'utf8');
};
const url = pathToFileURL(input.script).href;
const vus: ScriptModule[] = [];
for (let vu = 1; vu <= input.vus; vu++) vus.push((await import(`${url}?vu=${vu}`)) as ScriptModule);
const first = vus[0] as ScriptModule;
const out: ShimRunOutput = { records: [], opens: [], sharedArrayBuilds: [], setupError: null, summary: null, scenarios: Object.keys(first.options.scenarios ?? {}) };
try {
  first.setup?.();
} catch (e) {
  out.setupError = e instanceof Error ? e.message : String(e);
}
if (out.setupError === null) {
  for (const scenario of out.scenarios) {
    shimState.scenario = scenario;
    for (let i = 0; i < input.iterationsPerScenario; i++) {
      shimState.iterationInTest = i;
      shimState.vu = (i % input.vus) + 1;
      vus[i % input.vus]?.default();
    }
  }
}
if (input.summaryData !== undefined) out.summary = first.handleSummary?.(input.summaryData) ?? null;
out.records = shimState.records;
out.opens = shimState.opens;
out.sharedArrayBuilds = shimState.sharedArrayBuilds;
process.stdout.write(JSON.stringify(out));
