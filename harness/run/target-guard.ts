import { isIP } from 'node:net';
import { StresslabError } from '../core/stresslab-error.ts';

/**
 * A load test or a fault aimed at the wrong host is an outage, so anything beyond loopback must
 * be named twice: once in the allow-list (`--allow-target HOST` or the scenario's
 * `allowTargets`), once by a person answering a prompt (or `--yes` in CI).
 */

/** True for localhost, 127.0.0.0/8 and ::1 (also bracketed, and IPv4-mapped ::ffff:127.x). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) !== 6) return false;
  const full = expandIpv6(h);
  // IPv4-mapped (::ffff:127.0.0.1, which URL parsing turns into ::ffff:7f00:1).
  if (full.startsWith('0000:0000:0000:0000:0000:ffff:')) return full.slice(30, 32) === '7f';
  return full === '0000:0000:0000:0000:0000:0000:0000:0001';
}

export type TargetCheck = { ok: true } | { ok: false; hosts: string[] };

export interface AllowedTargetsInput {
  /** Every URL the run would send to: the target, a real Toxiproxy API. "embedded" is skipped. */
  urls: readonly string[];
  /** From `--allow-target` and the scenario's `allowTargets`: hosts, `host:port`, `*.domain` or URL prefixes. */
  allowTargets: readonly string[];
}

/** The hostnames (lowercase, no brackets) of the URLs that are not loopback, each once. */
export function nonLoopbackHosts(urls: readonly string[]): string[] {
  const hosts = new Set<string>();
  for (const url of urls) {
    const u = parseUrl(url);
    if (u !== null && !isLoopbackHost(u.hostname)) hosts.add(bare(u.hostname));
  }
  return [...hosts];
}

/** Which non-loopback hosts no allow-list entry covers; ok when there are none. */
export function checkAllowedTargets(input: AllowedTargetsInput): TargetCheck {
  const refused = new Set<string>();
  for (const url of input.urls) {
    const u = parseUrl(url);
    if (u === null || isLoopbackHost(u.hostname)) continue;
    if (!input.allowTargets.some((entry) => allows(entry, u))) refused.add(bare(u.hostname));
  }
  return refused.size === 0 ? { ok: true } : { ok: false, hosts: [...refused] };
}

/** Throws BAD_USAGE naming the hosts and the flag that allows them, unless every URL is allowed. */
export function assertAllowedTargets(input: AllowedTargetsInput): void {
  const check = checkAllowedTargets(input);
  if (check.ok) return;
  const list = check.hosts.join(', ');
  throw new StresslabError('BAD_USAGE', `refusing to send load or faults to ${list}: not loopback and not allowed`, {
    hint: `if you mean it, pass ${check.hosts.map((h) => `--allow-target ${h}`).join(' ')} (or add "allowTargets": ${JSON.stringify(check.hosts)} to the scenario)`,
  });
}

export type Ask = (question: string) => Promise<string>;

export interface ConfirmOptions {
  /** `--yes`: the caller already confirmed (CI). */
  yes: boolean;
  /** Whether a person can answer: without a terminal and without --yes the answer is no. */
  isTTY: boolean;
  ask: Ask;
}

/**
 * Asks a person to confirm a run against non-loopback hosts; returns when confirmed, throws
 * BAD_USAGE (exit 2) otherwise. Nothing to confirm when `hosts` is empty.
 */
export async function confirmNonLoopback(io: { err(text: string): void }, hosts: readonly string[], options: ConfirmOptions): Promise<void> {
  if (hosts.length === 0) return;
  const list = hosts.join(', ');
  if (options.yes) {
    io.err(`note: sending load and faults to ${list} (confirmed by --yes)`);
    return;
  }
  if (!options.isTTY) {
    throw new StresslabError('BAD_USAGE', `refusing to send load and faults to ${list} without confirmation (no terminal to ask on)`, {
      hint: 'pass --yes once you have checked the hosts (CI jobs always need it)',
    });
  }
  const answer = await options.ask(`This run sends load and injects faults into ${list}. Continue? [y/N] `);
  if (/^\s*y(es)?\s*$/i.test(answer)) return;
  throw new StresslabError('BAD_USAGE', `not confirmed: nothing was sent to ${list}`, { hint: 'answer "y" to go ahead, or pass --yes' });
}

export interface GuardTargetsInput extends AllowedTargetsInput, ConfirmOptions {}

/** Both checks in order: allowed first (no prompt for a host that would be refused anyway), then confirmed. */
export async function guardTargets(io: { err(text: string): void }, input: GuardTargetsInput): Promise<void> {
  assertAllowedTargets(input);
  await confirmNonLoopback(io, nonLoopbackHosts(input.urls), input);
}

function allows(entry: string, u: URL): boolean {
  const e = entry.trim().toLowerCase();
  if (e === '') return false;
  if (e.includes('://')) {
    const prefix = parseUrl(e);
    if (prefix === null) return false;
    const p = withoutCredentials(prefix).replace(/\/$/, '');
    const full = withoutCredentials(u);
    // A prefix ends at a boundary: https://api.example.com must not allow https://api.example.com.evil.net.
    return full.startsWith(p) && (full.length === p.length || '/?#'.includes(full.charAt(p.length)));
  }
  const host = bare(u.hostname);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (e.startsWith('*.')) return host.endsWith(e.slice(1));
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(e);
  if (withPort !== null) return bare(withPort[1] ?? '') === host && withPort[2] === port;
  return bare(e) === host;
}

function parseUrl(url: string): URL | null {
  if (url === 'embedded') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function withoutCredentials(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`.toLowerCase();
}

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

function expandIpv6(address: string): string {
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = (a?: string, b?: string): string => ((Number(a) << 8) | Number(b)).toString(16);
  const h = v4 === null ? address : `${address.slice(0, v4.index)}${hex(v4[1], v4[2])}:${hex(v4[3], v4[4])}`;
  const [head = '', tail] = h.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((g) => g.padStart(4, '0')).join(':');
}
