import type { ResourceShift, TrafficShift } from '../contract/fault-evidence.ts';
import type { FaultObservation } from '../contract/fault-observation.ts';

/**
 * One sentence per source of a fault's evidence (docs/fault-effect.md), for the reports, the CLI
 * summary and the verdict's reasons: the numbers that decided, in words a reader can check. Pure.
 */

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const pct = (v: number): string => `${(v * 100).toFixed(v < 0.1 ? 2 : 1)} %`;
const msText = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toPrecision(3).replace(/\.?0+$/, '')} ms`;

export function describeObservation(o: FaultObservation, targetExitsInWindow: number, resources: ResourceShift | null): string {
  switch (o.source) {
    case 'proxy': {
      const c = o.counters;
      if (c === null) return `proxy ${o.proxy}: counters unknown (${o.note ?? 'not available'})`;
      const carried = `${plural(c.connectionsAccepted, 'new connection')}, ${bytes(c.bytesUpstream)} up and ${bytes(c.bytesDownstream)} down in the window`;
      if (o.mode === 'disabled') return `proxy ${o.proxy}: ${plural(c.affectedConnections, 'live connection')} dropped by the disable; ${carried}`;
      if (c.fired !== undefined) return `proxy ${o.proxy}: the protocol toxic acted ${plural(c.fired, 'time')} (a statement or request failed, delayed or cut, or a session refused, each time); ${carried}`;
      if (c.affectedConnections === 0 && c.affectedBytes === 0) return `proxy ${o.proxy}: nothing went through the toxic (${carried})`;
      return `proxy ${o.proxy}: ${plural(c.affectedConnections, 'connection')} and ${bytes(c.affectedBytes)} went through the toxic; ${carried}`;
    }
    case 'process':
      if (o.action === 'pause') return `process: pid ${o.pid ?? '?'} ${o.stopped === true ? 'was stopped (state T)' : o.stopped === false ? 'was not reported stopped' : 'was sent SIGSTOP'}`;
      return [
        `process: pid ${o.pid ?? '?'} ${o.exited === true ? 'exited' : o.exited === false ? 'was still running at removal' : 'was signalled'}`,
        targetExitsInWindow > 0 ? `${plural(targetExitsInWindow, 'target exit')} recorded` : null,
        o.restartedPid !== null ? `restarted as pid ${o.restartedPid}` : null,
      ]
        .filter((s) => s !== null)
        .join('; ');
    case 'database':
      return describeDatabase(o);
    case 'hog': {
      const own =
        o.resource === 'cpu'
          ? `${plural(o.processes, 'hog process', 'hog processes')} used ${o.cpuSeconds === null ? 'unknown' : o.cpuSeconds.toFixed(1)} CPU s`
          : o.where === 'target'
            ? `the target accepted ${bytes(o.bytesTouched ?? 0)} of ballast`
            : `${bytes(o.bytesTouched ?? 0)} allocated and touched`;
      return `hog: ${own}${resources === null ? '' : `; ${describeResources(resources)}`}`;
    }
  }
}

function describeDatabase(o: Extract<FaultObservation, { source: 'database' }>): string {
  if (o.action === 'kill-backends') return `database: pg_terminate_backend ended ${plural(o.backendsTerminated ?? 0, 'session')} of the target`;
  if (o.action === 'connections') return `database: ${plural(o.connectionsHeld ?? 0, 'connection')} held (their effect shows only in the target's traffic)`;
  const what = o.action === 'lock' ? 'waited on the lock' : 'were slowed in the trigger';
  if (o.statementsWaiting === null) return 'database: waits not sampled';
  return `database: ${plural(o.statementsWaiting, 'statement')} ${what} (at most ${o.maxWaiting ?? 0} at once, ${plural(o.samples, 'pg_stat_activity sample')})`;
}

function describeResources(r: ResourceShift): string {
  const parts: string[] = [];
  if (r.hostCpuPercentBefore !== null && r.hostCpuPercentDuring !== null) {
    parts.push(`host CPU ${r.hostCpuPercentBefore.toFixed(0)} % → ${r.hostCpuPercentDuring.toFixed(0)} %`);
  }
  if (r.hostMemUsedBytesBefore !== null && r.hostMemUsedBytesMaxDuring !== null) {
    parts.push(`host memory used ${bytes(r.hostMemUsedBytesBefore)} → ${bytes(r.hostMemUsedBytesMaxDuring)} at most`);
  }
  return parts.length === 0 ? 'no host samples' : parts.join(', ');
}

export function describeTraffic(t: TrafficShift): string {
  const secs = t.toSec - t.fromSec;
  const figures = [
    `error rate ${pct(t.errorRate)} (steady ${pct(t.steadyErrorRate)})`,
    `success p95 ${t.successP95Ms === null ? 'none' : msText(t.successP95Ms)} (steady ${msText(t.steadySuccessP95Ms)}; ${t.slowSeconds} of ${secs} s above ${msText(t.maxSuccessP95Ms)})`,
    `${t.successRps.toFixed(1)} successes/s (steady ${t.steadySuccessRps.toFixed(1)})`,
  ].join(', ');
  const verdict = t.shifted.length === 0 ? 'no change' : `shifted: ${t.shifted.join(', ')}`;
  return `traffic in seconds ${t.fromSec}–${t.toSec}: ${verdict}; ${figures}`;
}
