import type { ProcessUsage } from './process-usage-reader.ts';

/**
 * CPU and RSS of a remote target from its Prometheus `/metrics` (the standard process collector of
 * prom-client, client_golang, client_python…): `process_cpu_seconds_total` is a counter, so CPU %
 * is its increase over the wall time between two scrapes; `process_resident_memory_bytes` is a gauge.
 */

/**
 * Sum of every series of `name` in the text exposition format (labels ignored); null when absent.
 * Two gauges read from a known exporter need no full parser (docs/hand-written-code.md); the label
 * block is skipped quote-aware, so a `}` inside a label value or an OpenMetrics exemplar after the
 * value cannot be taken for its end (test/unit/metrics/prometheus-value.test.ts checks it against
 * parse-prometheus-text-format).
 */
export function prometheusValue(text: string, name: string): number | null {
  let total: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || !line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{') || rest.startsWith('\t'))) continue;
    const afterLabels = rest.startsWith('{') ? rest.slice(labelBlockEnd(rest) + 1) : rest;
    const value = Number(afterLabels.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** Index of the `}` that closes the label block `text` starts with, skipping quoted values with their escapes; −1 when unclosed. */
function labelBlockEnd(text: string): number {
  let quoted = false;
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === '}') return i;
  }
  return -1;
}

export interface PrometheusProcessReaderOptions {
  url: string;
  /** Per scrape; a slow exporter must not hold up the sampler. Default 800 ms. */
  timeoutMs?: number;
}

/** Scrape failures are counted, never thrown: the target being down is data, not a harness error. */
export class PrometheusProcessReader {
  readonly #url: string;
  readonly #timeoutMs: number;
  #prev: { cpuSec: number; atMs: number } | null = null;
  errors = 0;

  constructor(opts: PrometheusProcessReaderOptions) {
    this.#url = opts.url;
    this.#timeoutMs = opts.timeoutMs ?? 800;
  }

  /** Null on the first successful scrape (no interval yet) and on failures. */
  async sample(): Promise<ProcessUsage | null> {
    let text: string;
    try {
      const res = await fetch(this.#url, { signal: AbortSignal.timeout(this.#timeoutMs), headers: { accept: 'text/plain' } });
      text = await res.text();
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
    } catch {
      this.errors++;
      return null;
    }
    const atMs = performance.now();
    const cpuSec = prometheusValue(text, 'process_cpu_seconds_total');
    const rssBytes = prometheusValue(text, 'process_resident_memory_bytes');
    if (cpuSec === null || rssBytes === null) {
      this.errors++;
      return null;
    }
    const prev = this.#prev;
    this.#prev = { cpuSec, atMs };
    // A counter that went down means the process restarted: start a new interval.
    if (prev === null || cpuSec < prev.cpuSec || atMs <= prev.atMs) return null;
    return { cpuPercent: ((cpuSec - prev.cpuSec) / ((atMs - prev.atMs) / 1000)) * 100, rssBytes };
  }
}
