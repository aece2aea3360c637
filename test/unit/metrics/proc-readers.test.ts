import { readFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { HostProcReader, parseLoadavg, parseMeminfo, parseNetDev, parseProcStat } from '../../../harness/metrics/proc-host-reader.ts';
import { parseProcStatus, readProcStatus } from '../../../harness/metrics/proc-status.ts';

const linux = process.platform === 'linux';

const STAT = `cpu  100 10 50 800 40 0 5 0 0 0
cpu0 50 5 25 400 20 0 3 0 0 0
cpu1 50 5 25 400 20 0 2 0 0 0
intr 1 2 3
`;

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 5000 10    0    0    0     0          0         0 5000 10    0    0    0     0       0          0
  eth0: 1200    8    0    0    0     0          0         0   300    5    0    0    0     0       0          0
  eth1:   34    1    0    0    0     0          0         0    66    1    0    0    0     0       0          0
`;

describe('/proc parsers', () => {
  it('reads busy and total jiffies of the aggregate cpu line, iowait counting as idle', () => {
    expect(parseProcStat(STAT)).toEqual({ busy: 165, total: 1005, cores: 2 });
  });

  it('computes used memory as MemTotal − MemAvailable', () => {
    const text = 'MemTotal:       1000 kB\nMemFree:         100 kB\nMemAvailable:    400 kB\n';
    expect(parseMeminfo(text)).toEqual({ memTotalBytes: 1000 * 1024, memUsedBytes: 600 * 1024 });
  });

  it('sums network bytes over interfaces except loopback', () => {
    expect(parseNetDev(NET_DEV)).toEqual({ rxBytes: 1234, txBytes: 366 });
  });

  it('reads VmRSS and VmHWM; a zombie without them gives null', () => {
    expect(parseProcStatus('Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n')).toEqual({ rssBytes: 1024 * 1024, peakRssBytes: 2048 * 1024 });
    expect(parseProcStatus('Name:\tzombie\nState:\tZ (zombie)\n')).toBeNull();
    expect(parseLoadavg('0.52 0.40 0.33 2/190 1234\n')).toBe(0.52);
  });

  it.runIf(linux)('parses the real files of this machine', async () => {
    const stat = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    expect(stat.cores).toBe(os.cpus().length);
    expect(stat.busy).toBeGreaterThan(0);
    const mem = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
    expect(mem.memTotalBytes).toBe(os.totalmem());
    const self = await readProcStatus(process.pid);
    expect(self?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(self?.peakRssBytes).toBeGreaterThanOrEqual(self?.rssBytes ?? Infinity);
    expect(await readProcStatus(2 ** 22 + 7)).toBeNull();
  });

  it.runIf(linux)('host CPU of a busy interval lies between 0 and 100·cores and sees this thread spin', async () => {
    const reader = new HostProcReader();
    await reader.prime();
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // Spin: this thread alone must show as at least a fraction of one core.
    }
    const usage = await reader.sample();
    expect(usage.cpuPercent).toBeGreaterThan(30);
    expect(usage.cpuPercent).toBeLessThanOrEqual(100 * os.cpus().length + 1);
    expect(usage.memUsedBytes).toBeGreaterThan(0);
    expect(usage.memUsedBytes).toBeLessThan(usage.memTotalBytes);
  });
});
