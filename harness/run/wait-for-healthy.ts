import { setTimeout as sleep } from 'node:timers/promises';
import { StresslabError } from '../core/stresslab-error.ts';

/** Polls a health URL until it answers 2xx; TARGET_UNREACHABLE (exit 4) when it never does. */
export async function waitForHealthy(
  url: string,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    isAlive?: () => boolean;
    /** The scenario field that set `timeoutMs`, named in the error's hint (e.g. target.readyTimeout). */
    timeoutSetting?: string;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (opts.isAlive && !opts.isAlive()) break;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = describeFetchError(e);
    }
    await sleep(opts.intervalMs ?? 100);
  }
  throw new StresslabError('TARGET_UNREACHABLE', `The target is not ready: ${url} (${last})`, {
    hint: `Check that the target is running and reachable, or pass --target URL; the health path comes from the scenario (target.health)${
      opts.timeoutSetting === undefined ? '' : `, and it had ${formatWait(opts.timeoutMs)} to answer (${opts.timeoutSetting})`
    }.`,
  });
}

function formatWait(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

export function describeFetchError(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  const code = typeof cause === 'object' && cause && 'code' in cause ? String((cause as { code: unknown }).code) : '';
  const msg = cause instanceof Error ? cause.message : String(cause);
  return code ? `${code}: ${msg}` : msg;
}
