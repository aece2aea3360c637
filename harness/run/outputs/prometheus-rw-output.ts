import { StresslabError } from '../../core/stresslab-error.ts';
import { redactUrl } from '../../core/redact.ts';
import type { MetricFamily } from '../../report/metric-family.ts';
import type { OutputKind } from './output-target.ts';

/** Attempts per request: a 5xx, a 429 or a network failure is retried (the spec's advice), a 4xx is not. */
const ATTEMPTS = 3;
const TIMEOUT_MS = 10_000;

/**
 * `--output prometheus-rw=URL`: the run's metrics to a Prometheus remote-write 1.0 receiver
 * (Prometheus with --web.enable-remote-write-receiver at /api/v1/write, Mimir, Thanos receive,
 * VictoriaMetrics, Grafana Cloud). Credentials in the URL (`https://user:token@host/…`) go into a
 * Basic Authorization header, never into messages. docs/outputs.md.
 */
export const prometheusRwOutput: OutputKind<'prometheus-rw'> = {
  usage: 'prometheus-rw=<url>',
  example: 'prometheus-rw=http://127.0.0.1:9090/api/v1/write',
  async parse(destination, { flag }) {
    let u: URL;
    try {
      u = new URL(destination);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      throw new StresslabError('BAD_USAGE', `${flag} prometheus-rw=${redactUrl(destination)}: not an http(s) URL`, {
        hint: `give the receiver's remote-write URL, e.g. ${flag} ${prometheusRwOutput.example}`,
      });
    }
    const authorization = u.username === '' && u.password === '' ? null : `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
    u.username = '';
    u.password = '';
    return { kind: 'prometheus-rw', url: u.toString(), shown: redactUrl(u.toString()), authorization };
  },
  async send(target, families, { userAgent }) {
    // Loaded here: protobufjs and snappyjs are needed only when this output is used.
    const { remoteWriteBodies } = await import('../../report/remote-write-request.ts');
    const bodies = remoteWriteBodies(families);
    const headers: Record<string, string> = {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'User-Agent': userAgent,
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...(target.authorization === null ? {} : { Authorization: target.authorization }),
    };
    for (const [i, body] of bodies.entries()) await post(target.url, body, headers, `request ${i + 1} of ${bodies.length}`);
    const series = families.reduce((n, f) => n + f.series.length, 0);
    const samples = families.reduce((n, f) => n + f.series.reduce((m, s) => m + s.samples.length, 0), 0);
    return `sent ${samples} samples of ${series} series in ${bodies.length} request${bodies.length === 1 ? '' : 's'} to ${target.shown}`;
  },
};

async function post(url: string, body: Uint8Array, headers: Record<string, string>, which: string): Promise<void> {
  let last = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, 250 * 4 ** (attempt - 2)));
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (e) {
      last = `${which}: ${describeFetchError(e)}`;
      continue;
    }
    if (res.ok) {
      await res.body?.cancel();
      return;
    }
    const text = (await res.text().catch(() => '')).trim().slice(0, 500);
    last = `${which}: HTTP ${res.status}${text === '' ? '' : `: ${text}`}`;
    if (res.status < 500 && res.status !== 429) break;
  }
  throw new Error(last + hintFor(last));
}

function describeFetchError(e: unknown): string {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : '';
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return [e instanceof Error ? e.message : String(e), cause].filter((s) => s !== '').join(': ');
}

/** The two refusals users meet first, with their fix. */
function hintFor(message: string): string {
  if (/HTTP 404/.test(message)) return ' (is the remote-write receiver enabled? Prometheus needs --web.enable-remote-write-receiver and listens on /api/v1/write)';
  if (/out of order/i.test(message)) return ' (the receiver already holds newer samples of these series: was this run sent to it before? Prometheus takes a series\' samples in time order only)';
  if (/out of bounds|too old/i.test(message)) return ' (Prometheus refuses samples older than its head block, about an hour: send runs as they finish, or backfill the openmetrics file with promtool tsdb create-blocks-from openmetrics)';
  return '';
}
