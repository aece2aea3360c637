import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAULT_KINDS, FAULT_KIND_NAMES, describeFault, faultTouches, proxyProtocols } from '../../../harness/faults/index.ts';
import { faultSpecSchema } from '../../../harness/faults/fault-spec-schema.ts';
import { plannedFault } from '../../integration/faults/fault-fixture.ts';

const samples: Record<string, Record<string, unknown>> = {
  'net-latency': { latencyMs: 250 },
  'net-jitter': { jitterMs: 40 },
  'net-bandwidth': { rateKBps: 64 },
  'net-timeout': {},
  'net-reset': { timeoutMs: 100 },
  'net-partition': {},
  'net-slicer': { averageSize: 32 },
  'net-limit-data': { bytes: 1000 },
  'net-flaky': { toxic: 'latency', attributes: { latency: 500 }, toxicity: 0.25 },
  'db-latency': { latencyMs: 250 },
  'db-down': {},
  'db-timeout': {},
  'db-pool-exhaustion': { connections: 50 },
  'db-lock': { table: 'executions' },
  'db-kill-backends': { interval: '5s' },
  'db-slow-statements': { delayMs: 200 },
  'db-error': { sqlstate: '40P01', match: '^UPDATE', rate: 0.2 },
  'db-reject-connections': { sqlstate: '57P03' },
  'db-drop-in-transaction': { afterStatements: 2, count: 5 },
  'db-slow-commit': { latencyMs: 300 },
  'http-error': { status: 503, retryAfter: 2, method: 'POST', path: '^/v1/executions', count: 5 },
  'http-delay': { latencyMs: 400, rate: 0.5 },
  'http-abort': { afterBytes: 10, path: '^/v1/' },
  'memory-pressure': { mb: 512, rampSec: 10 },
  'cpu-hog': { processes: 2, dutyPercent: 80 },
  'process-kill': { restartAfter: '5s' },
  'process-pause': {},
  exec: { inject: 'docker pause db', remove: 'docker unpause db' },
};

describe('the fault kind registry', () => {
  it('registers every file of faults/kinds/, each under its own kind', () => {
    const dir = fileURLToPath(new URL('../../../harness/faults/kinds/', import.meta.url));
    const files = fs.readdirSync(dir).map((f) => f.replace(/\.ts$/, ''));
    expect([...FAULT_KIND_NAMES].sort()).toEqual(files.sort());
    for (const [kind, definition] of Object.entries(FAULT_KINDS)) expect(definition.kind).toBe(kind);
  });

  it('the scenario schema accepts every kind and resolves its anchor, durations and defaults', () => {
    for (const kind of FAULT_KIND_NAMES) {
      const spec = faultSpecSchema.parse({ kind, at: '1m', duration: '30s', ...samples[kind] });
      expect(spec).toMatchObject({ kind, name: kind, atMs: 60_000, durationMs: 30_000, everyMs: null, recoveryAnchor: FAULT_KINDS[kind].recoveryAnchor });
    }
    expect(faultSpecSchema.parse({ kind: 'process-kill', at: '0s', duration: '10s', restartAfter: '1m30s' })).toMatchObject({ params: { restartAfterMs: 90_000 } });
    expect(faultSpecSchema.parse({ kind: 'exec', at: '0s', duration: '10s', inject: 'a', remove: 'b' })).toMatchObject({ params: { timeoutMs: 30_000 } });
    expect(faultSpecSchema.parse({ kind: 'net-reset', at: '0s', duration: '10s', recoveryAnchor: 'removal' }).recoveryAnchor).toBe('removal');
    expect(faultSpecSchema.safeParse({ kind: 'net-latency', at: '0s', duration: '10s', latencyMs: 5, restartAfter: '1s' }).success).toBe(false);
  });

  it('says what every kind touches, in words a person checks before a run', () => {
    for (const kind of FAULT_KIND_NAMES) {
      const touches = faultTouches(plannedFault({ kind, ...samples[kind] }));
      expect(touches.length, kind).toBeGreaterThan(0);
      for (const t of touches) expect(t.text).not.toMatch(/undefined|NaN|\[object/);
    }
    expect(faultTouches(plannedFault({ kind: 'process-kill', restartAfter: '5s' }))[0]?.text).toContain('restarts it after 5s');
  });

  it('describes every kind in one line that names its main parameter', () => {
    expect(Object.keys(samples).sort()).toEqual([...FAULT_KIND_NAMES].sort());
    const lines = Object.fromEntries(FAULT_KIND_NAMES.map((kind) => [kind, describeFault(plannedFault({ kind, ...samples[kind] }))]));
    for (const line of Object.values(lines)) expect(line).not.toMatch(/\n|undefined|NaN/);
    expect(lines['net-latency']).toContain('+250 ms');
    expect(lines['db-latency']).toContain('proxy db');
    expect(lines['net-flaky']).toContain('25%');
    expect(lines['db-lock']).toBe('ACCESS EXCLUSIVE lock held on table executions');
    expect(lines['db-kill-backends']).toContain('application_name stresslab-target');
    expect(lines['memory-pressure']).toContain('512 MiB');
    expect(lines['process-kill']).toBe('SIGKILL the target, restarted 5s later');
    expect(lines.exec).toContain('docker unpause db');
    expect(lines['db-error']).toBe('SQLSTATE 40P01 for 20% of statements matching /^UPDATE/ (proxy db)');
    expect(lines['db-reject-connections']).toBe('new database sessions refused with 57P03 (proxy db)');
    expect(lines['db-drop-in-transaction']).toBe('database connections cut in transactions after statement 2 (the first 5) (proxy db)');
    expect(lines['db-slow-commit']).toBe('COMMIT +300 ms (proxy db)');
    expect(lines['http-error']).toBe('HTTP 503 (Retry-After 2) for POST requests matching /^/v1/executions/ (the first 5) (proxy api)');
    expect(lines['http-delay']).toBe('+400 ms for 50% of requests (proxy api)');
    expect(lines['http-abort']).toBe('connection reset mid-response after 10 body bytes for requests matching /^/v1// (proxy api)');
    // A SQLSTATE of class 00 is success: refused, like a malformed one.
    for (const sqlstate of ['00000', '4001', 'abcde']) expect(faultSpecSchema.safeParse({ kind: 'db-error', at: '0s', duration: '1s', sqlstate }).success, sqlstate).toBe(false);
  });

  it('says which proxies the plan needs in a protocol mode, and when two faults want one proxy in two', () => {
    const plan = [plannedFault({ kind: 'db-error' }), plannedFault({ kind: 'http-error' }), plannedFault({ kind: 'net-latency', latencyMs: 5 }), plannedFault({ kind: 'db-latency', latencyMs: 5 })];
    expect(proxyProtocols(plan)).toEqual({ protocols: { db: 'postgres', api: 'http' }, conflicts: [] });
    const clash = proxyProtocols([plannedFault({ kind: 'http-error', proxy: 'db' }, 'h#1'), plannedFault({ kind: 'db-error' }, 'd#1')]);
    expect(clash.conflicts).toEqual(['d#1 needs proxy "db" in postgres mode, an earlier fault needs it in http mode']);
  });
});
