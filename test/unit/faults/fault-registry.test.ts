import { describe, expect, it } from 'vitest';
import { FAULT_KIND_MODULES, describeFault } from '../../../harness/faults/index.ts';
import { FAULT_KINDS } from '../../../harness/faults/fault-spec-schema.ts';
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
  'memory-pressure': { mb: 512, rampSec: 10 },
  'cpu-hog': { processes: 2, dutyPercent: 80 },
  'process-kill': { restartAfter: '5s' },
  'process-pause': {},
  exec: { inject: 'docker pause db', remove: 'docker unpause db' },
};

describe('the fault kind registry', () => {
  it('has a driver for every kind of the scenario schema, registered under its own kind', () => {
    expect(Object.keys(FAULT_KIND_MODULES).sort()).toEqual([...FAULT_KINDS].sort());
    for (const [kind, module] of Object.entries(FAULT_KIND_MODULES)) expect(module.kind).toBe(kind);
  });

  it('describes every kind in one line that names its main parameter', () => {
    expect(Object.keys(samples).sort()).toEqual([...FAULT_KINDS].sort());
    const lines = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, describeFault(plannedFault({ kind, ...samples[kind] }))]));
    for (const line of Object.values(lines)) expect(line).not.toMatch(/\n|undefined|NaN/);
    expect(lines['net-latency']).toContain('+250 ms');
    expect(lines['db-latency']).toContain('proxy db');
    expect(lines['net-flaky']).toContain('25%');
    expect(lines['db-lock']).toBe('ACCESS EXCLUSIVE lock held on table executions');
    expect(lines['db-kill-backends']).toContain('application_name stresslab-target');
    expect(lines['memory-pressure']).toContain('512 MiB');
    expect(lines['process-kill']).toBe('SIGKILL the target, restarted 5s later');
    expect(lines.exec).toContain('docker unpause db');
  });
});
