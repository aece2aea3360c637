import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../harness/cli/main.ts';
import { runResultSchema } from '../../../harness/contract/run-result.ts';
import type { RunResult } from '../../../harness/contract/run-result.ts';
import { listenablePort, startTestServer } from '../../support/servers/spawn-test-server.ts';
import type { ServerClocks, ServerMode } from '../../support/servers/spawn-test-server.ts';
import { captureIo } from '../../support/capture-io.ts';

/**
 * Ground truth for TTD and TTR (docs/recovery.md): whole runs against servers whose outage is known
 * to the millisecond, measured at the 100 ms resolution of the timeline's slices; each figure must be
 * within ±0.25 s of the truth.
 *
 * The truth is read from the server's own clock, not assumed. Its outage clock starts at the load's
 * first request, which reaches it some milliseconds after the run clock's zero (a new connection;
 * tens of ms with a busy core), and the fault's injection and removal finish a few milliseconds
 * after their planned times (a spawned command, a proxy call). Both shift the true TTD and TTR; the
 * server reports its clock as wall-clock time, the run's zero is `startedAt`, so the truth is put on
 * the run clock exactly. Before, the test assumed the outage at its planned times and measured on
 * whole seconds: 1 s buckets straddling the outage's end, plus those shifts, read a 3 s TTR as 2.9–3.9
 * s, and up to 3 s off when a bucket at the edge also missed its throughput.
 */
let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'stresslab-truth-'));
});
afterAll(async () => {
  // KEEP_TRUTH=1 keeps the run directories, to look at the timeline of a run that missed.
  if (!process.env.KEEP_TRUTH) await fs.rm(dir, { recursive: true, force: true });
  else process.stdout.write(`kept ${dir}\n`);
});

interface Run {
  code: number;
  result: RunResult;
  clocks: ServerClocks;
  /** Wall-clock epoch ms of the run clock's zero. */
  zeroEpochMs: number;
}

async function runAgainst(name: string, mode: ServerMode, scenario: (serverUrl: string, port: number) => Promise<Record<string, unknown>>, seconds = 24): Promise<Run> {
  const server = await startTestServer(mode);
  try {
    const file = path.join(dir, `${name}.json`);
    const load = [{ executor: 'constant-arrival-rate', rate: 50, duration: `${seconds}s`, preAllocatedVUs: 20, maxVUs: 100, gracefulStop: '1s' }];
    await fs.writeFile(file, JSON.stringify({ name, description: 'ground truth for recovery', requests: [{ name: 'work', method: 'GET', path: '/work' }], load, ...(await scenario(server.url, server.port)) }));
    const io = captureIo(dir);
    const code = await main(['run', file, '--reports-dir', path.join(dir, 'reports'), '--no-baseline', '--seed', '3'], io);
    const runDir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
    expect(runDir, io.stdout() + io.stderr()).toBeDefined();
    const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(dir, runDir!, 'result.json'), 'utf8')));
    return { code, result, clocks: await server.clocks(), zeroEpochMs: Date.parse(result.startedAt) };
  } finally {
    await server.stop();
  }
}

/**
 * The servers' outages are errors, so health is judged on errors, with a fixed latency tolerance
 * rather than one derived from a few ms on loopback, which a busy CPU's scheduling would exceed. Not
 * looser than the ±0.25 s asked of the figures: a success answered 0.4 s late (the proxy and the
 * server starved of CPU, measured at load 10) passed as healthy under 500 ms, so the first request
 * that went out 0.37 s before the server healed read as the recovery.
 */
const LATENCY_TOLERANCE_MS = 250;

/**
 * A 503 window of the load's clock, marked on the plan by an `exec` fault with no-op commands at
 * `atSec`, after a steady state of as long.
 */
function windowScenario(atSec = 10): (url: string) => Promise<Record<string, unknown>> {
  return async (url) => ({
    target: { url, health: '/health', timeout: '2s' },
    faults: [{ kind: 'exec', name: 'outage', at: `${atSec}s`, duration: '4s', inject: 'true', remove: 'true', recoveryAnchor: 'injection' }],
    recovery: { steadyStateWindow: `${atSec}s`, tolerances: { p95Ms: LATENCY_TOLERANCE_MS } },
    thresholds: { mttr_seconds: ['max<10'] },
  });
}

const report = (label: string, measured: number, truth: number): void => {
  process.stdout.write(`ground truth ${label}: measured ${measured.toFixed(3)} s, truth ${truth.toFixed(3)} s, error ${(measured - truth).toFixed(3)} s\n`);
};

/*
 * The three runs share this process's event loop, and a run that ends analyses its timeline and
 * renders its reports in one go: 0.5–1.4 s of blocked loop on a busy machine. The two timed runs
 * end at 23 s, after every edge measured (10–17 s): a 16 s run that ended at the window's recovery
 * stalled the loop right there, and its requests went out up to 1.4 s late.
 */
// One at a time: run concurrently in one process, these failed in 2 of 5 fresh-clone runs on
// 2026-12-03 (an embedded Toxiproxy killed by a signal as it started; TTD null; a TTR 1.5 s off).
// The first was a defect, since fixed: a run's start-up cleanup took the ledger entries of another
// run of the same process for leftovers (concurrent-runs.test.ts). The timing misses may as well be
// three whole runs sharing two cores, so these stay sequential (~60 s of npm test).
describe('recovery measured against ground truth', () => {
  it('a 503 outage from 10.6 s to 16.35 s of the load: TTD and TTR within ±0.25 s, and the blind health check is reported', async () => {
    const { code, result, clocks, zeroEpochMs } = await runAgainst('truth-window', { kind: 'window', failFromMs: 10_600, failToMs: 16_350, healthPath: '/health', loadPath: '/work' }, windowScenario(), 23);
    const fault = result.faults[0]!;
    const serverZero = clocks.firstAtEpochMs! - zeroEpochMs;
    // The marker's injection (a spawned shell) finished 0.01–2.5 s after 10 s (measured with the CPU busy): the outage is
    // long enough that more than unhealthyFor (3 s) of it always follows, and the truth counts from that instant.
    const truthTtd = Math.max(0, serverZero + 10_600 - fault.injectedAtMs) / 1000;
    const truthTtr = (serverZero + 16_350 - fault.injectedAtMs) / 1000;
    report('window TTD', fault.ttdSec!, truthTtd);
    report('window TTR', fault.ttrSec!, truthTtr);
    expect(result.recovery.resolutionMs).toBe(100);
    expect(fault.recovered).toBe(true);
    expect(Math.abs(fault.ttdSec! - truthTtd)).toBeLessThanOrEqual(0.25);
    expect(Math.abs(fault.ttrSec! - truthTtr)).toBeLessThanOrEqual(0.25);
    expect(result.warnings.join('\n')).toMatch(/health probe stayed green/);
    expect(result.verdict, result.reasons.join('; ')).toBe('pass');
    expect(code).toBe(0);
  }, 90_000);

  it('a partition on the embedded proxy, then a server that heals exactly 1.7 s after traffic reaches it again: TTR within ±0.25 s', async () => {
    const proxyPort = await listenablePort();
    const healMs = 1700;
    const { code, result, clocks, zeroEpochMs } = await runAgainst('truth-partition', { kind: 'heal-after-gap', gapMs: 2000, failForMs: healMs, loadPath: '/work' }, async (_, port) => ({
      target: { url: `http://127.0.0.1:${proxyPort}`, health: '/health', timeout: '2s' },
      proxies: [{ name: 'api', listen: `127.0.0.1:${proxyPort}`, upstream: `127.0.0.1:${port}` }],
      // 4.5 s: the disable and the enable can each come back a second late on a busy machine, and the server
      // must still see a gap of 2 s and the traffic 3 s of impact.
      faults: [{ kind: 'net-partition', proxy: 'api', at: '10s', duration: '4500ms' }],
      recovery: { steadyStateWindow: '10s', tolerances: { p95Ms: LATENCY_TOLERANCE_MS } },
    }), 23);
    const fault = result.faults[0]!;
    expect(clocks.failFromEpochMs, 'the server saw the partition as a gap').not.toBeNull();
    // The truth from the server's clock. Its 1.7 s start with the first request through the re-enabled proxy: a few ms
    // after the removal, or before `removedAtMs` when the removal's reply came back late (up to 0.3 s with the CPU busy).
    const truthTtr = (clocks.failToEpochMs! - zeroEpochMs - fault.removedAtMs) / 1000;
    report('partition TTD', fault.ttdSec!, 0);
    report('partition TTR', fault.ttrSec!, healMs / 1000);
    report('partition TTR (server clock)', fault.ttrSec!, truthTtr);
    if (result.recovery.probe.mttrSec !== null) report('partition probe MTTR (server clock)', result.recovery.probe.mttrSec, truthTtr);
    expect(result.recovery.resolutionMs).toBe(100);
    expect(fault.recovered).toBe(true);
    expect(Math.abs(fault.ttdSec!)).toBeLessThanOrEqual(0.25);
    expect(Math.abs(fault.ttrSec! - truthTtr)).toBeLessThanOrEqual(0.25);
    // The probe goes through the proxy too. Its figure is reported (measured within 0.35 s of the truth, at its 250 ms
    // period) but not held to ±0.25 s: with the CPU this busy a prober skips slots and its 200 ms timeouts fire, so
    // it can lack 5 s of evidence before the run ends (docs/recovery.md, section The health probe).
    expect(result.recovery.probe.resolutionMs).toBe(250);
    expect(result.verdict, result.reasons.join('; ')).toBe('pass');
    expect(code).toBe(0);
  }, 90_000);

  it('a server that never recovers: recovered false, no MTTR, verdict fail (exit 1)', async () => {
    // No edge is timed here, so a shorter run: 5 s of steady state, then failures to the end of a 12 s load.
    const { code, result } = await runAgainst('truth-never', { kind: 'window', failFromMs: 5_000, failToMs: null, healthPath: '/health', loadPath: '/work' }, windowScenario(5), 12);
    expect(result.faults[0]!.ttdSec, 'the outage was seen').not.toBeNull();
    expect(result.faults[0]!.recovered).toBe(false);
    expect(result.recovery.notRecovered).toBe(1);
    expect(result.recovery.mttrSec).toBeNull();
    expect(result.verdict).toBe('fail');
    expect(result.reasons.join('\n')).toMatch(/outage/);
    expect(code).toBe(1);
  }, 90_000);
});
