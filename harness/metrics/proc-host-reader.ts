import { readFile } from 'node:fs/promises';
import type { ResourceSample } from '../contract/timeline-types.ts';
import { NetDelta } from './net-delta.ts';

/**
 * Host usage from Linux /proc with plain async reads (≈0.5 ms per sample): systeminformation's
 * currentLoad/networkStats shell out with execSync on every call (≈ 6 ms of blocked loop, measured).
 * CPU is in percent of ONE core (0 … 100·cores), the unit of the target and harness figures, so
 * all three share one axis; network bytes are per sample interval, loopback excluded.
 */

export type HostUsage = NonNullable<ResourceSample['host']>;

export interface CpuTimes {
  /** Jiffies spent not idle, summed over all cores. */
  busy: number;
  total: number;
  cores: number;
}

/** The aggregate `cpu` line of /proc/stat; iowait counts as idle (the CPU could have run something). */
export function parseProcStat(text: string): CpuTimes {
  let cores = 0;
  let times: number[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu ')) times = line.trim().split(/\s+/).slice(1, 9).map(Number);
    else if (/^cpu\d+ /.test(line)) cores++;
  }
  if (times === null || times.length < 4 || times.some((t) => !Number.isFinite(t))) throw new Error('no aggregate cpu line in /proc/stat');
  const total = times.reduce((a, b) => a + b, 0);
  const idle = (times[3] ?? 0) + (times[4] ?? 0);
  return { busy: total - idle, total, cores: Math.max(1, cores) };
}

/** Used = MemTotal − MemAvailable (what `free` calls used plus what cannot be reclaimed). */
export function parseMeminfo(text: string): { memTotalBytes: number; memUsedBytes: number } {
  const kb = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] === undefined ? null : Number(m[1]) * 1024;
  };
  const total = kb('MemTotal');
  if (total === null) throw new Error('no MemTotal in /proc/meminfo');
  const available = kb('MemAvailable') ?? kb('MemFree') ?? 0;
  return { memTotalBytes: total, memUsedBytes: Math.max(0, total - available) };
}

export function parseLoadavg(text: string): number {
  const load1 = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(load1)) throw new Error('unreadable /proc/loadavg');
  return load1;
}

/** Cumulative bytes over every interface but loopback. */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number } {
  let rxBytes = 0;
  let txBytes = 0;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() === 'lo') continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rxBytes += fields[0] ?? 0;
    txBytes += fields[8] ?? 0;
  }
  return { rxBytes, txBytes };
}

/** Keeps the previous counters: CPU and network figures are deltas between two samples. */
export class HostProcReader {
  #cpu: CpuTimes | null = null;
  readonly #net = new NetDelta();

  /** Reads the counters once so that the first `sample()` reports a real interval. */
  async prime(): Promise<void> {
    await this.sample();
  }

  async sample(): Promise<HostUsage> {
    const [stat, meminfo, loadavg, netdev] = await Promise.all([
      readFile('/proc/stat', 'utf8'),
      readFile('/proc/meminfo', 'utf8'),
      readFile('/proc/loadavg', 'utf8'),
      readFile('/proc/net/dev', 'utf8').catch(() => null),
    ]);
    const cpu = parseProcStat(stat);
    const prev = this.#cpu;
    this.#cpu = cpu;
    const dTotal = prev === null ? 0 : cpu.total - prev.total;
    const cpuPercent = dTotal > 0 && prev !== null ? ((cpu.busy - prev.busy) / dTotal) * 100 * cpu.cores : 0;
    const usage: HostUsage = { cpuPercent, ...parseMeminfo(meminfo), load1: parseLoadavg(loadavg) };
    const net = netdev === null ? null : this.#net.next(parseNetDev(netdev));
    return net === null ? usage : { ...usage, ...net };
  }
}
