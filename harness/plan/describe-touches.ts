import { redactUrl } from '../core/redact.ts';
import { formatDuration } from '../core/duration.ts';
import { faultProxy, faultTouches } from '../faults/index.ts';
import type { FaultPlan, Touch } from '../faults/index.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { ResolvedTargetStart } from '../scenario/schema-target.ts';
import { describeAuditSource } from '../scenario/schema-audit.ts';

/**
 * `stresslab run --dry-run`: what a run would touch, so a person can check it before anything is
 * sent: the target, Toxiproxy and its proxies, each fault's toxics, processes started, killed or
 * paused, and database-level actions. Pure: takes the plan and scenario, returns text; each fault
 * kind says what it touches (faults/kinds/).
 */

export interface TouchContext {
  /** The effective target: "embedded" or the base URL (after --target). */
  targetUrl: string;
  /** A real Toxiproxy API (--toxiproxy or the scenario's), null for the embedded one. */
  toxiproxyUrl: string | null;
  /** Whether the run starts and owns the reference service. */
  embedded: boolean;
  /** The scenario's target.start when the run starts it (not with --target). */
  start?: ResolvedTargetStart | undefined;
}

type Category = Touch['category'];

export function describeTouches(plan: FaultPlan, scenario: Scenario, ctx: TouchContext): string {
  const lines = ['What this run would touch (dry run: nothing was sent)', ''];
  lines.push(...targetLines(plan, scenario, ctx), '');
  lines.push(...toxiproxyLines(plan, ctx));
  const faults = faultLines(plan);
  if (faults.length > 0) lines.push('', 'Faults', ...faults);
  const byCategory = (c: Category): string[] => uniqueTouches(plan).filter((t) => t.category === c).map((t) => `  ${t.text}`);
  const processes = [
    ...(ctx.embedded ? ['  starts the reference service (node reference-service/main.ts) with a throw-away PostgreSQL, stops both at the end'] : []),
    ...(ctx.start === undefined ? [] : [`  ${startTouch(ctx.start, ctx.targetUrl)}`]),
    ...byCategory('process'),
  ];
  lines.push('', 'Processes', ...(processes.length > 0 ? processes : ['  none started, killed or paused']));
  const database = byCategory('database');
  lines.push('', 'Database', ...(database.length > 0 ? database : ['  no database-level actions (locks, held connections, terminated backends)']));
  const commands = byCategory('command');
  if (commands.length > 0) lines.push('', 'Commands', ...commands);
  return `${lines.join('\n')}\n`;
}

function targetLines(plan: FaultPlan, scenario: Scenario, ctx: TouchContext): string[] {
  const where = ctx.embedded ? 'the embedded reference service on 127.0.0.1' : redactUrl(ctx.targetUrl);
  const requests = [...new Set(scenario.requests.map((r) => `${r.method} ${r.path}`))];
  const out = [`Target     ${where}`, `  ${plan.phases.length} load phase(s) over ${formatDuration(plan.durationMs)}: ${requests.join(', ')}`];
  if (scenario.target.health) out.push(`  health checks: GET ${scenario.target.health}`);
  if (scenario.audit !== undefined) out.push(`  after the load: the integrity audit (${describeAuditSource(scenario.audit.executions.source)}) for every captured ${scenario.audit.executions.capture}`);
  return out;
}

function startTouch(start: ResolvedTargetStart, url: string): string {
  const command = typeof start.command === 'string' ? start.command : start.command.join(' ');
  const reuse = start.reuseExisting ? `unless ${redactUrl(url)}${start.health} already answers 2xx (reuseExisting: then nothing is started or stopped), ` : '';
  return `${reuse}starts \`${command}\` in its own process group${start.cwd === undefined ? '' : ` (cwd ${start.cwd})`}, waits up to ${formatDuration(start.timeoutMs)} for GET ${start.health}, stops the group at the end (SIGTERM, SIGKILL after ${formatDuration(start.stopTimeoutMs)})`;
}

function toxiproxyLines(plan: FaultPlan, ctx: TouchContext): string[] {
  const proxies = [...new Set(plan.faults.flatMap((f) => faultProxy(f) ?? []))];
  if (proxies.length === 0) return ['Toxiproxy  not used (no network or database-proxy faults)'];
  const api = ctx.toxiproxyUrl === null ? 'embedded, on 127.0.0.1' : redactUrl(ctx.toxiproxyUrl);
  return [`Toxiproxy  ${api}`, `  proxies: ${proxies.map((x) => `"${x}"`).join(', ')}`];
}

function faultLines(plan: FaultPlan): string[] {
  return plan.faults.map((f) => {
    const when = `${clock(f.injectAtMs)}–${clock(f.removeAtMs)}`;
    return `  ${f.name} (${f.kind}) ${when}: ${faultTouches(f).map((t) => t.text).join('; ')}`;
  });
}

/** m:ss.s on the run clock, as `stresslab plan` prints it. */
function clock(ms: number): string {
  const m = Math.floor(ms / 60_000);
  return `${m}:${((ms % 60_000) / 1000).toFixed(1).padStart(4, '0')}`;
}

/** One entry per distinct action: a fault repeated 3 times starts the same process 3 times, listed once. */
function uniqueTouches(plan: FaultPlan): Touch[] {
  const seen = new Map<string, Touch>();
  for (const f of plan.faults) for (const t of faultTouches(f)) seen.set(`${t.category}\u0000${t.text}`, t);
  return [...seen.values()];
}
