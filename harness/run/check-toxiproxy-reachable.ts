import { StresslabError } from '../core/stresslab-error.ts';
import { describeFetchError } from './wait-for-healthy.ts';

/**
 * A remote Toxiproxy the run will drive answers `GET /version` before anything starts, so an
 * unreachable one is reported (exit 4) before PostgreSQL, the target and the load.
 */
export async function checkToxiproxyReachable(url: string, source: string, timeoutMs = 3_000): Promise<void> {
  const base = url.replace(/\/+$/, '');
  let why: string;
  try {
    const res = await fetch(`${base}/version`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    if (res.ok) return;
    why = `HTTP ${res.status} from GET /version`;
  } catch (e) {
    why = describeFetchError(e);
  }
  throw new StresslabError('TOXIPROXY_UNREACHABLE', `Toxiproxy at ${base} (${source}) does not answer: ${why}; nothing was started`, {
    hint: `start it, or fix ${source}; leave out --toxiproxy and the scenario's toxiproxy.url to use the embedded one`,
  });
}
