import { StresslabError } from '../core/stresslab-error.ts';
import { PROTOCOLS_HEADER } from '../toxiproxy/api-routes.ts';
import { describeFetchError } from './wait-for-healthy.ts';

/**
 * A remote Toxiproxy the run will drive answers `GET /version` before anything starts, so an
 * unreachable one is reported (exit 4) before PostgreSQL, the target and the load.
 */
export async function checkToxiproxyReachable(url: string, source: string, options: { needsProtocols?: readonly string[]; timeoutMs?: number } = {}): Promise<void> {
  const base = url.replace(/\/+$/, '');
  let why: string;
  try {
    const res = await fetch(`${base}/version`, { signal: AbortSignal.timeout(options.timeoutMs ?? 3_000) });
    await res.arrayBuffer();
    if (res.ok) return checkProtocols(base, source, res.headers.get(PROTOCOLS_HEADER), options.needsProtocols ?? []);
    why = `HTTP ${res.status} from GET /version`;
  } catch (e) {
    why = describeFetchError(e);
  }
  throw new StresslabError('TOXIPROXY_UNREACHABLE', `Toxiproxy at ${base} (${source}) does not answer: ${why}; nothing was started`, {
    hint: `start it, or fix ${source}; leave out --toxiproxy and the scenario's toxiproxy.url to use the embedded one`,
  });
}

/**
 * The db-* protocol faults need a proxy that frames PostgreSQL, which only stresslab's own proxy has
 * (it says so in a header of GET /version). A real Toxiproxy would answer their toxics with 400
 * mid-run; refused here instead, before anything starts.
 */
function checkProtocols(base: string, source: string, header: string | null, needed: readonly string[]): void {
  const has = (header ?? '').split(',').map((p) => p.trim());
  const missing = needed.filter((p) => !has.includes(p));
  if (missing.length === 0) return;
  throw new StresslabError('BAD_USAGE', `the scenario's ${missing.join(', ')} protocol faults need stresslab's proxy, and the Toxiproxy at ${base} (${source}) is ${header === null ? 'a real Toxiproxy' : `one without ${missing.join(', ')}`}: it has no ${missing.join(', ')} mode for their toxics`, {
    hint: 'run stresslab\'s own Toxiproxy-compatible server there instead (`npx stresslab toxiproxy --host 0.0.0.0 --port 8474 --config proxies.json`, or the stresslab image with the arguments `toxiproxy --host 0.0.0.0 --config …`, as docker-compose.stresslab-proxy.yml does) and point --toxiproxy at it; it serves the same API, so other Toxiproxy clients keep working',
  });
}
