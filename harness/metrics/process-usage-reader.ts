import pidusage from 'pidusage';
import { readProcStatus } from './proc-status.ts';
import type { ResourceSample } from '../contract/timeline-types.ts';

export type ProcessUsage = NonNullable<ResourceSample['target']>;

/**
 * CPU and RSS of one process by pid: pidusage (a read of /proc/<pid>/stat on Linux, `ps` elsewhere)
 * for CPU in percent of one core since the previous call, /proc/<pid>/status for VmRSS/VmHWM when it
 * exists. The pid may change between samples (a managed target restarted by a process fault): a new
 * pid is primed first, so its first figure covers one interval and not the process's whole life.
 */
export class ProcessUsageReader {
  #pid: number | null = null;
  errors = 0;

  /** Null when there is no process to sample or it cannot be read (counted in `errors`). */
  async sample(pid: number | null): Promise<ProcessUsage | null> {
    if (pid === null) return null;
    if (pid !== this.#pid) {
      // No pidusage.clear() here: its history is shared by every pid (the harness's too); an old
      // pid's entry expires by itself after pidusage's maxage.
      this.#pid = pid;
      await this.#prime(pid);
      return null;
    }
    try {
      const [stat, status] = await Promise.all([pidusage(pid), readProcStatus(pid)]);
      const usage: ProcessUsage = { cpuPercent: stat.cpu, rssBytes: status?.rssBytes ?? stat.memory };
      if (status !== null) usage.peakRssBytes = status.peakRssBytes;
      return usage;
    } catch {
      this.errors++;
      return null;
    }
  }

  async #prime(pid: number): Promise<void> {
    try {
      await pidusage(pid);
    } catch {
      this.errors++;
    }
  }

  /** Closes pidusage's open /proc files (its state is per thread, so this only touches the sampler's). */
  close(): void {
    pidusage.clear();
  }
}
