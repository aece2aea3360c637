import { readFile } from 'node:fs/promises';

/**
 * VmRSS and VmHWM of a process from /proc/<pid>/status (Linux). VmHWM is the kernel's own peak of
 * the resident set, so a peak read from it does not depend on how often we sample.
 */
export interface ProcStatus {
  rssBytes: number;
  peakRssBytes: number;
}

export function parseProcStatus(text: string): ProcStatus | null {
  const kb = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return m?.[1] === undefined ? null : Number(m[1]) * 1024;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (rss === null || hwm === null) return null;
  return { rssBytes: rss, peakRssBytes: hwm };
}

/** Null when the file does not exist (not Linux, or the process is gone) or lacks the fields (a zombie). */
export async function readProcStatus(pid: number): Promise<ProcStatus | null> {
  if (process.platform !== 'linux') return null;
  try {
    return parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}
