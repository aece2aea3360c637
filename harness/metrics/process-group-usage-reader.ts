import { groupMembers } from '../../process-kit/process-group.ts';
import { readProcStat } from '../../process-kit/process-identity.ts';
import { readProcStatus } from './proc-status.ts';
import { ProcessUsageReader } from './process-usage-reader.ts';
import type { ProcessUsage } from './process-usage-reader.ts';

/**
 * /proc counts CPU in USER_HZ ticks, which the kernel fixes at 100 per second on every Linux
 * architecture (sysconf(_SC_CLK_TCK)), whatever its internal HZ.
 */
const TICKS_PER_SECOND = 100;

/**
 * CPU and RSS of a whole process group (a started target: a shell or `npm run` with the service
 * below it) as one figure, from /proc: CPU is the sum over the members' own user+system time since
 * the previous sample (a member new since then counts from its start; a short-lived child that
 * started and exited between two samples is missed), RSS the sum of their resident sets (shared
 * pages counted per member), the peak the sum of their VmHWM (an upper bound of the group's peak).
 * A group of one process reads the same as ProcessUsageReader. Without /proc it falls back to the
 * leader alone (pidusage).
 */
export class ProcessGroupUsageReader {
  #pgid: number | null = null;
  /** Ticks per member (`pid start-time`) at the previous sample. */
  #ticks = new Map<string, number>();
  #atMs = 0;
  readonly #leaderOnly = new ProcessUsageReader();
  #errors = 0;

  get errors(): number {
    return this.#errors + this.#leaderOnly.errors;
  }

  /** Null when there is no group to sample, it has no member left, or it is new (primed now). */
  async sample(pgid: number | null): Promise<ProcessUsage | null> {
    if (pgid === null) return null;
    if (process.platform !== 'linux') return this.#leaderOnly.sample(pgid);
    const atMs = performance.now();
    const members = readMembers(pgid);
    const primed = pgid === this.#pgid;
    const previous = this.#ticks;
    this.#pgid = pgid;
    this.#ticks = new Map(members.map((m) => [m.key, m.ticks]));
    const elapsedMs = atMs - this.#atMs;
    this.#atMs = atMs;
    // A new group is primed first, so its first figure covers one interval and not its whole life.
    if (!primed) return null;
    if (members.length === 0) {
      this.#errors++;
      return null;
    }
    let ticks = 0;
    for (const m of members) ticks += m.ticks - (previous.get(m.key) ?? 0);
    const statuses = await Promise.all(members.map((m) => readProcStatus(m.pid)));
    const read = statuses.filter((s) => s !== null);
    const usage: ProcessUsage = {
      cpuPercent: elapsedMs > 0 ? (Math.max(0, ticks) / TICKS_PER_SECOND / (elapsedMs / 1000)) * 100 : 0,
      rssBytes: read.reduce((sum, s) => sum + s.rssBytes, 0),
    };
    if (read.length > 0) usage.peakRssBytes = read.reduce((sum, s) => sum + s.peakRssBytes, 0);
    return usage;
  }

  close(): void {
    this.#leaderOnly.close();
  }
}

function readMembers(pgid: number): Array<{ pid: number; key: string; ticks: number }> {
  const out: Array<{ pid: number; key: string; ticks: number }> = [];
  for (const pid of groupMembers(pgid) ?? []) {
    const stat = readProcStat(pid);
    // null: exited since the listing
    if (stat !== null) out.push({ pid, key: `${pid} ${stat.startTime}`, ticks: stat.cpuTicks });
  }
  return out;
}
