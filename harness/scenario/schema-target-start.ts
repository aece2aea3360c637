import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';

/**
 * `target.start`: the command that starts the system under test, in the spirit of Playwright's
 * `webServer`. The harness runs it in its own process group, waits for `health` to answer 2xx,
 * saves its output as `target.log` in the run directory, samples it, lets process faults kill and
 * restart it with the same command, and stops the group at the end (SIGTERM, SIGKILL after
 * `stopTimeout`). The embedded reference service is started the same way.
 *
 * Templates (in `command`, `env` values and `target.url`): `{{port}}`, a free loopback port the
 * harness picks once per run (a restart keeps it, so the load's URL stays valid), and
 * `{{env NAME}}`, the harness's environment variable NAME ('' when unset).
 */

export const PORT_TOKEN = '{{port}}';

const TOKEN = /\{\{(.*?)\}\}/g;
const ENV_TOKEN = /^env\s+([A-Za-z0-9_][A-Za-z0-9_.-]*)$/;
const TEMPLATE_HINT = 'target.start takes {{port}} (a free port picked for the run) and {{env NAME}} (the harness\'s environment)';

/** Problems with the templates of one start field (unknown tokens, an unclosed "{{"). */
export function startTemplateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const token = (m[1] ?? '').trim();
    if (token !== 'port' && !ENV_TOKEN.test(token)) problems.push(`${m[0]} is not a template of target.start`);
  }
  if (text.replace(TOKEN, '').includes('{{')) problems.push(`unclosed "{{" in "${text}"`);
  return problems;
}

export interface StartTemplateScope {
  /** The run's free port; null when nothing uses {{port}}. */
  port: number | null;
  env: NodeJS.ProcessEnv;
}

/** Fills `{{port}}` and `{{env NAME}}` (the schema has refused every other token). */
export function renderStartTemplate(text: string, scope: StartTemplateScope): string {
  return text.replace(TOKEN, (whole, inner: string) => {
    const token = inner.trim();
    if (token === 'port') {
      if (scope.port === null) throw new Error(`${whole} used without a port picked`);
      return String(scope.port);
    }
    const name = ENV_TOKEN.exec(token)?.[1];
    return name === undefined ? whole : (scope.env[name] ?? '');
  });
}

/** Whether a text (the URL, the command, an env value) needs the run's free port. */
export function usesPort(text: string): boolean {
  return [...text.matchAll(TOKEN)].some((m) => (m[1] ?? '').trim() === 'port');
}

const templated = z.string().superRefine((v, ctx) => {
  for (const message of startTemplateProblems(v)) ctx.addIssue({ code: 'custom', message, params: { hint: TEMPLATE_HINT } });
});

export const targetStartSchema = z
  .strictObject({
    command: z.union([templated.min(1), z.array(templated).min(1)]).meta({
      description: 'A string run by /bin/sh -c, or an argv array run as is (no shell). Takes {{port}} and {{env NAME}}.',
    }),
    cwd: z.string().min(1).optional().meta({ description: 'Working directory, relative to the scenario file (default: the scenario file\'s directory).' }),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name, e.g. PORT' }), templated).prefault({}).meta({
      description: 'Environment variables set for the command, over the harness\'s own environment. Values take {{port}} and {{env NAME}}.',
    }),
    health: z.string().startsWith('/', { message: 'must be a path starting with "/"' }).optional().meta({
      description: 'Polled on target.url until it answers 2xx (default: target.health).',
    }),
    timeout: durationSchema.prefault('60s').meta({ description: 'How long the command has to answer healthy, at the start and after a restart (default 60s).' }),
    reuseExisting: z.boolean().default(false).meta({
      description: 'When target.url already answers healthy, use that service as it is: nothing is started or stopped (process faults then have nothing to act on).',
    }),
    stopTimeout: durationSchema.prefault('10s').meta({ description: 'Grace between SIGTERM and SIGKILL when the process group is stopped (default 10s).' }),
  })
  .transform(({ timeout, stopTimeout, ...s }) => ({ ...s, timeoutMs: timeout, stopTimeoutMs: stopTimeout }));

export type TargetStart = z.output<typeof targetStartSchema>;
