import os from 'node:os';
import si from 'systeminformation';
import type { HostUsage } from './proc-host-reader.ts';
import { NetDelta } from './net-delta.ts';

/**
 * Host usage through systeminformation, for platforms without /proc (macOS, Windows). Its calls
 * shell out and block for milliseconds (≈ 6 ms per currentLoad/networkStats call, measured),
 * which is why this only ever runs inside the sampler's worker thread. Same units as HostProcReader.
 */
export class HostSiReader {
  readonly #net = new NetDelta();

  async prime(): Promise<void> {
    await this.sample();
  }

  async sample(): Promise<HostUsage> {
    const [load, mem, nets] = await Promise.all([si.currentLoad(), si.mem(), si.networkStats('*').catch(() => [])]);
    const cores = Math.max(1, load.cpus.length || os.availableParallelism());
    const usage: HostUsage = {
      cpuPercent: load.currentLoad * cores,
      memTotalBytes: mem.total,
      memUsedBytes: Math.max(0, mem.total - mem.available),
      load1: os.loadavg()[0] ?? 0,
    };
    const external = nets.filter((n) => !isLoopback(n.iface));
    if (external.length > 0) {
      const delta = this.#net.next({ rxBytes: sum(external.map((n) => n.rx_bytes)), txBytes: sum(external.map((n) => n.tx_bytes)) });
      if (delta !== null) Object.assign(usage, delta);
    }
    return usage;
  }
}

function isLoopback(iface: string): boolean {
  return iface === 'lo' || iface.startsWith('lo0') || /loopback/i.test(iface);
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
}
