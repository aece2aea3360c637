import type { FaultKind } from '../faults/fault-spec-schema.ts';
import { redactUrl } from '../core/redact.ts';
import { formatDuration } from '../core/duration.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { FaultEventPlan, Plan } from '../contract/plan-types.ts';

/**
 * `stresslab run --dry-run`: what a run would touch, so a person can check it before anything is
 * sent: the target, Toxiproxy and its proxies, each fault's toxics, processes started, killed or
 * paused, and database-level actions. Pure: takes the plan and scenario, returns text.
 */

export interface TouchContext {
  /** The effective target: "embedded" or the base URL (after --target). */
  targetUrl: string;
  /** A real Toxiproxy API (--toxiproxy or the scenario's), null for the embedded one. */
  toxiproxyUrl: string | null;
  /** Whether the run starts and owns the reference target. */
  embedded: boolean;
}

type Category = 'toxiproxy' | 'process' | 'database' | 'http' | 'command';
interface Touch {
  category: Category;
  text: string;
}
type Params = Readonly<Record<string, unknown>>;

const p = (params: Params, key: string, fallback = '?'): string => {
  const v = params[key];
  return v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v);
};
const toxic = (params: Params, type: string, attrs: string): Touch => ({
  category: 'toxiproxy',
  text: `adds a ${type} toxic (${attrs}, ${p(params, 'stream', 'downstream')}) to proxy "${p(params, 'proxy')}", removes it after`,
});
const disable = (params: Params): Touch => ({
  category: 'toxiproxy',
  text: `disables proxy "${p(params, 'proxy')}" (every connection through it closes), re-enables it after`,
});
const dbUrl = (params: Params): string =>
  params.databaseUrlEnv === undefined ? "the target's database (admin connection)" : `$${p(params, 'databaseUrlEnv')}`;
const sql = (text: string): Touch => ({ category: 'database', text });
const proc = (text: string): Touch => ({ category: 'process', text });
const managed = (params: Params): string => (params.pid === undefined ? 'the managed target' : `pid ${p(params, 'pid')}`);

const describers: Record<FaultKind, (params: Params) => Touch[]> = {
  'net-latency': (x) => [toxic(x, 'latency', `latency=${p(x, 'latencyMs')}ms jitter=${p(x, 'jitterMs', '0')}ms`)],
  'net-jitter': (x) => [toxic(x, 'latency', `latency=${p(x, 'latencyMs', '0')}ms jitter=${p(x, 'jitterMs')}ms`)],
  'net-bandwidth': (x) => [toxic(x, 'bandwidth', `rate=${p(x, 'rateKBps')}KB/s`)],
  'net-timeout': (x) => [toxic(x, 'timeout', `timeout=${p(x, 'timeoutMs', '0')}ms`)],
  'net-reset': (x) => [toxic(x, 'reset_peer', `timeout=${p(x, 'timeoutMs', '0')}ms`)],
  'net-partition': (x) => [disable(x)],
  'net-slicer': (x) => [toxic(x, 'slicer', `average_size=${p(x, 'averageSize')} size_variation=${p(x, 'sizeVariation', '0')} delay=${p(x, 'delayUs', '0')}µs`)],
  'net-limit-data': (x) => [toxic(x, 'limit_data', `bytes=${p(x, 'bytes')}`)],
  'net-flaky': (x) => [toxic(x, p(x, 'toxic'), `attributes=${p(x, 'attributes', '{}')} toxicity=${p(x, 'toxicity')}`)],
  'db-latency': (x) => [toxic(x, 'latency', `latency=${p(x, 'latencyMs')}ms jitter=${p(x, 'jitterMs', '0')}ms`)],
  'db-down': (x) => [disable(x)],
  'db-timeout': (x) => [toxic(x, 'timeout', `timeout=${p(x, 'timeoutMs', '0')}ms`)],
  'db-pool-exhaustion': (x) => [sql(`opens and holds ${p(x, 'connections')} connections to ${dbUrl(x)}, closes them after`)],
  'db-lock': (x) => [sql(`holds LOCK TABLE ${p(x, 'table')} IN ${p(x, 'mode', 'ACCESS EXCLUSIVE')} MODE in an open transaction on ${dbUrl(x)}, rolls it back after`)],
  'db-kill-backends': (x) => [
    sql(
      `terminates backends (pg_terminate_backend) with ${x.user === undefined ? '' : `user ${p(x, 'user')} and `}application_name ${p(x, 'applicationName', "of the managed target")} on ${dbUrl(x)}${x.interval === undefined ? '' : `, every ${p(x, 'interval')}`}`,
    ),
  ],
  'db-slow-statements': (x) => [sql(`delays statements${x.table === undefined ? '' : ` touching ${p(x, 'table')}`} by ${p(x, 'delayMs')}ms on ${dbUrl(x)}`)],
  'memory-pressure': (x) =>
    x.where === 'target'
      ? [{ category: 'http', text: `asks the target to hold ${p(x, 'mb')} MB (POST /chaos/memory, ramp ${p(x, 'rampSec', '0')}s), releases it after` }]
      : [proc(`starts a child process allocating and touching ${p(x, 'mb')} MB (ramp ${p(x, 'rampSec', '0')}s), kills it after`)],
  'cpu-hog': (x) => [proc(`starts ${p(x, 'processes', '1')} CPU hog process(es) at ${p(x, 'dutyPercent', '100')}% duty, kills them after`)],
  'process-kill': (x) => [
    proc(
      `sends ${p(x, 'signal', 'SIGKILL')} to ${managed(x)}${x.pid === undefined ? `, restarts it ${x.restartAfter === undefined ? 'at removal' : `after ${p(x, 'restartAfter')}`}` : ' (never restarted)'}`,
    ),
  ],
  'process-pause': (x) => [proc(`pauses ${managed(x)} (SIGSTOP), resumes it (SIGCONT) after`)],
  exec: (x) => [{ category: 'command', text: `runs \`${p(x, 'inject')}\`, later \`${p(x, 'remove')}\` (timeout ${p(x, 'timeout', '30s')})` }],
};

/** Text for a fault kind this build does not know (a newer scenario): say so rather than guess. */
function touchesOf(f: FaultEventPlan): Touch[] {
  const describe = (describers as Record<string, ((params: Params) => Touch[]) | undefined>)[f.kind];
  return describe === undefined ? [{ category: 'command', text: `unknown fault kind "${f.kind}"` }] : describe(f.params);
}

export function describeTouches(plan: Plan, scenario: Scenario, ctx: TouchContext): string {
  const lines = ['What this run would touch (dry run: nothing was sent)', ''];
  lines.push(...targetLines(plan, scenario, ctx), '');
  lines.push(...toxiproxyLines(plan, ctx));
  const faults = faultLines(plan);
  if (faults.length > 0) lines.push('', 'Faults', ...faults);
  const byCategory = (c: Category): string[] => uniqueTouches(plan).filter((t) => t.category === c).map((t) => `  ${t.text}`);
  const processes = [...(ctx.embedded ? ['  starts the reference target (node reference-service/main.ts) with a throw-away PostgreSQL, stops both at the end'] : []), ...byCategory('process')];
  lines.push('', 'Processes', ...(processes.length > 0 ? processes : ['  none started, killed or paused']));
  const database = byCategory('database');
  lines.push('', 'Database', ...(database.length > 0 ? database : ['  no database-level actions (locks, held connections, terminated backends)']));
  const commands = byCategory('command');
  if (commands.length > 0) lines.push('', 'Commands', ...commands);
  return `${lines.join('\n')}\n`;
}

function targetLines(plan: Plan, scenario: Scenario, ctx: TouchContext): string[] {
  const where = ctx.embedded ? 'the embedded reference target on 127.0.0.1' : redactUrl(ctx.targetUrl);
  const requests = [...new Set(scenario.requests.map((r) => `${r.method} ${r.path}`))];
  const out = [`Target     ${where}`, `  ${plan.phases.length} load phase(s) over ${formatDuration(plan.durationMs)}: ${requests.join(', ')}`];
  if (scenario.target.health) out.push(`  health checks: GET ${scenario.target.health}`);
  if (scenario.audit !== undefined) out.push(`  after the load: ${scenario.audit.executions.lookup} for every captured ${scenario.audit.executions.capture}`);
  return out;
}

function toxiproxyLines(plan: Plan, ctx: TouchContext): string[] {
  const proxies = [...new Set(plan.faults.flatMap((f) => (typeof f.params.proxy === 'string' ? [f.params.proxy] : [])))];
  if (proxies.length === 0) return ['Toxiproxy  not used (no network or database-proxy faults)'];
  const api = ctx.toxiproxyUrl === null ? 'embedded, on 127.0.0.1' : redactUrl(ctx.toxiproxyUrl);
  return [`Toxiproxy  ${api}`, `  proxies: ${proxies.map((x) => `"${x}"`).join(', ')}`];
}

function faultLines(plan: Plan): string[] {
  return plan.faults.map((f) => {
    const when = `${clock(f.injectAtMs)}–${clock(f.removeAtMs)}`;
    return `  ${f.name} (${f.kind}) ${when}: ${touchesOf(f).map((t) => t.text).join('; ')}`;
  });
}

/** m:ss.s on the run clock, as `stresslab plan` prints it. */
function clock(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return `${m}:${((ms % 60_000) / 1000).toFixed(1).padStart(4, '0')}`;
}

/** One entry per distinct action: a fault repeated 3 times starts the same process 3 times, listed once. */
function uniqueTouches(plan: Plan): Touch[] {
  const seen = new Map<string, Touch>();
  for (const f of plan.faults) for (const t of touchesOf(f)) seen.set(`${t.category}\u0000${t.text}`, t);
  return [...seen.values()];
}
