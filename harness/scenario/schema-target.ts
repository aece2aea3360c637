import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';
import { httpUrlSchema } from '../core/scalar-schemas.ts';
import { startTemplateProblems, targetStartSchema, usesPort } from './schema-target-start.ts';

/** target.readyTimeout's defaults: a URL names a service that is either up or not; the embedded one starts its database first. */
const URL_READY_TIMEOUT_MS = 10_000;
const EMBEDDED_READY_TIMEOUT_MS = 60_000;

export const targetSchema = z
  .strictObject({
    url: z.union([z.literal('embedded'), httpUrlSchema]).meta({
      description: '"embedded" starts the reference service (with its own PostgreSQL); otherwise the base URL of the system under test (with target.start, the URL it listens on; it may use {{port}}).',
    }),
    health: z.string().startsWith('/', { message: 'must be a path starting with "/"' }).default('/readyz'),
    timeout: durationSchema.prefault('60s').meta({ description: 'Per-request timeout (k6 default 60s).' }),
    readyTimeout: durationSchema.optional().meta({
      description:
        'How long the target has to answer its health path before the load starts (default 10s for a URL, 60s for "embedded", which starts its PostgreSQL first). A target.start command has start.timeout instead.',
    }),
    start: targetStartSchema.optional().meta({
      description: 'A command that starts the system under test: the harness starts it, waits for health, samples it, and stops its process group at the end (README: target.start).',
    }),
  })
  .superRefine((t, ctx) => {
    const issue = (path: PropertyKey[], message: string, hint: string) => ctx.addIssue({ code: 'custom', path, message, params: { hint } });
    if (t.start === undefined) {
      if (t.url !== 'embedded' && t.url.includes('{{')) issue(['url'], 'templates in target.url are filled in only for target.start', 'write the URL out, or add target.start (then {{port}} is a free port picked for the run)');
      return;
    }
    if (t.url === 'embedded') {
      issue(['url'], 'target.start needs the URL the command\'s service listens on, not "embedded"', 'e.g. "url": "http://127.0.0.1:{{port}}" with PORT={{port}} in start.env');
      return;
    }
    // ({{env NAME}} has a space, which no URL may hold: the URL is recorded in result.json as written.)
    for (const m of startTemplateProblems(t.url)) issue(['url'], m, 'target.url takes {{port}} only');
    if (!URL.canParse(fillPort(t.url, 1))) issue(['url'], `"${t.url}" is not a URL once {{port}} is filled in`, 'e.g. "http://127.0.0.1:{{port}}"');
    if (t.start.reuseExisting && usesPort(t.url)) {
      issue(['start', 'reuseExisting'], 'reuseExisting needs a fixed port in target.url: {{port}} is a new free port each run, where nothing can be running yet', 'write the port the running service listens on, e.g. "http://127.0.0.1:8080"');
    }
  })
  .transform(({ timeout, readyTimeout, start, ...t }) => ({
    ...t,
    timeoutMs: timeout,
    // Null: the default of the target the run uses (--target may name another): readyTimeoutFor.
    readyTimeoutMs: readyTimeout ?? null,
    // The start's health path defaults to the target's: one place to read it from.
    ...(start === undefined ? {} : { start: { ...start, health: start.health ?? t.health } }),
  }));

/** How long the run waits for `url` to answer healthy: target.readyTimeout, else the default for such a target. */
export function readyTimeoutFor(readyTimeoutMs: number | null, url: string): number {
  return readyTimeoutMs ?? (url === 'embedded' ? EMBEDDED_READY_TIMEOUT_MS : URL_READY_TIMEOUT_MS);
}

/** `url` with `{{port}}` filled in (host checks before the run fill in any port: the host is what counts). */
export function fillPort(url: string, port: number): string {
  return url.replace(/\{\{\s*port\s*\}\}/g, String(port));
}

/** The target's URL when it is known before the run: null for the embedded target and for {{port}}. */
export function fixedTargetUrl(target: { url: string }): string | null {
  return target.url === 'embedded' || usesPort(target.url) ? null : target.url;
}

/** A resolved target.start: durations in ms, its health path filled in from target.health when absent. */
export type ResolvedTargetStart = NonNullable<z.output<typeof targetSchema>['start']>;
