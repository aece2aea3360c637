import * as z from 'zod';
import type { Touch } from './fault-kind.ts';

/** Parameter schemas several fault kinds share, and the dry-run wording of what they touch. */

export const proxyParam = (fallback: string) =>
  z.string().min(1).default(fallback).meta({ description: `Toxiproxy proxy name (default "${fallback}"; "api" fronts the target, "db" its database).` });
export const streamParam = z.enum(['upstream', 'downstream']).default('downstream').meta({ description: 'Toxic direction (Toxiproxy stream).' });
export const msParam = z.number().int().nonnegative();
export const databaseUrlEnvParam = z.string().min(1).optional().meta({
  description: 'Environment variable holding a PostgreSQL admin URL (the embedded setup wires it itself).',
});

/** Toxiproxy's toxic types, for `net-flaky`. */
export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

export function toxicTouch(p: { proxy: string; stream: string }, type: string, attributes: string): Touch {
  return { category: 'toxiproxy', text: `adds a ${type} toxic (${attributes}, ${p.stream}) to proxy "${p.proxy}", removes it after` };
}

export function proxyDisabledTouch(p: { proxy: string }): Touch {
  return { category: 'toxiproxy', text: `disables proxy "${p.proxy}" (every connection through it closes), re-enables it after` };
}

/** Which database a PostgreSQL-level fault connects to, as the dry run says it. */
export function databaseText(p: { databaseUrlEnv?: string | undefined }): string {
  return p.databaseUrlEnv === undefined ? "the target's database (admin connection)" : `$${p.databaseUrlEnv}`;
}

/** A protocol fault's share of matches it acts on (the toxic's toxicity, drawn per statement or session). */
export const rateParam = z.number().gt(0).max(1).default(1).meta({ description: 'Share of matching statements (or new sessions) the fault acts on, in (0, 1]; default 1, every one.' });
/** How many matches a protocol fault acts on at most; absent: every one while it is active. */
export const countParam = z.number().int().positive().optional().meta({ description: 'Act on at most this many matches, then let the rest through (absent: every match while the fault is active).' });

/** The `db` proxy must speak PostgreSQL for these faults (target-setup.ts creates it so when the plan has one). */
export function pgToxicTouch(p: { proxy: string }, type: string, what: string): Touch {
  return { category: 'toxiproxy', text: `adds a ${type} toxic (${what}) to proxy "${p.proxy}" in PostgreSQL mode, removes it after` };
}

/** Which requests an HTTP fault acts on: method and path (a regular expression), both optional. */
export const httpMatchParams = {
  method: z.string().regex(/^[A-Za-z]*$/).default('').meta({ description: 'Only requests with this method, e.g. "POST" (default: any).' }),
  path: z.string().default('').meta({ description: 'Only requests whose path (the query left out) matches this regular expression, e.g. "^/v1/executions" (default: any).' }),
};

/** The dry run's and the report's words for the requests an HTTP fault acts on, its rate included. */
export function httpMatchText(p: { method: string; path: string; rate: number }): string {
  const any = p.method === '' && p.path === '';
  const what = `${p.method === '' ? '' : `${p.method.toUpperCase()} `}requests${p.path === '' ? '' : ` matching /${p.path}/`}`;
  return p.rate < 1 ? `${Math.round(p.rate * 100)}% of ${what}` : any ? 'every request' : what;
}

/** The `api` proxy must speak HTTP for these faults (target-setup.ts creates it so when the plan has one). */
export function httpToxicTouch(p: { proxy: string }, type: string, what: string): Touch {
  return { category: 'toxiproxy', text: `adds a ${type} toxic (${what}) to proxy "${p.proxy}" in HTTP mode, removes it after` };
}
