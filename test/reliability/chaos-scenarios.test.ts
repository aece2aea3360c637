import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { main } from '../../harness/cli/main.ts';
import { runResultSchema } from '../../harness/contract/run-result.ts';
import { listActive } from '../../harness/faults/ledger-cleanup.ts';
import { captureIo } from '../support/capture-io.ts';
import { useIsolatedLedger } from '../support/isolated-ledger.ts';

/**
 * The chaos presets, quick profile, against the embedded target (real PostgreSQL, real proxy, real
 * child processes). `npm run test:reliability` (and so .ci/run) runs chaos-db and chaos-process
 * (the faults that threaten accepted work), whole runs of about a minute each, too long for `npm
 * test`'s budget; `npm run test:chaos` runs all six.
 */
const scenarios = (process.env.STRESSLAB_CHAOS_SCENARIOS ?? 'chaos-db,chaos-process').split(',').filter(Boolean);

const tmp = useIsolatedLedger('stresslab-chaos-');

describe.each(scenarios)('%s --profile quick', (scenario) => {
  it('measures every fault (TTD, TTR), loses no accepted work, summarises resources and leaves no fault behind', async () => {
    const io = captureIo(tmp.dir);
    const code = await main(['run', scenario, '--profile', 'quick', '--reports-dir', path.join(tmp.dir, 'reports'), '--no-baseline', '--seed', '5'], io);
    const runDir = /results: (\S+?)\/? \(/.exec(io.stdout())?.[1];
    expect(runDir, io.stdout() + io.stderr()).toBeDefined();
    const result = runResultSchema.parse(JSON.parse(await fs.readFile(path.resolve(tmp.dir, runDir!, 'result.json'), 'utf8')));
    expect(result.faults.length).toBeGreaterThan(0);
    for (const f of result.faults) {
      expect(f.injectedAtMs, f.name).toBeGreaterThan(0);
      expect(f.removedAtMs, f.name).toBeGreaterThan(f.injectedAtMs);
      expect(f.recovered, `${f.name} recovered`).toBe(true);
      expect(typeof f.ttrSec, f.name).toBe('number');
      // Every preset fault bites (docs/fault-effect.md): a fault without effect would make the run inconclusive.
      expect(f.effect, `${f.name}: ${f.evidence?.summary.join(' | ')}`).toBe('observed');
      // eslint-disable-next-line no-console
      console.log(`${f.name} effect ${f.effect} (${f.evidence?.decidedBy}): ${f.evidence?.summary.join(' | ')}`);
    }
    // At least one fault really hurt the traffic, so its detection was measured.
    expect(result.faults.some((f) => f.ttdSec !== null)).toBe(true);
    expect(result.recovery.mttrSec).not.toBeNull();
    if (result.integrity !== null) {
      expect(result.integrity.accepted).toBeGreaterThan(100);
      expect(result.integrity.lost).toBe(0);
      expect(result.integrity.duplicated).toBe(0);
    }
    expect(result.resources.host).not.toBeNull();
    expect(result.resources.target).not.toBeNull();
    expect(result.resources.harness).not.toBeNull();
    expect(result.verdict, result.reasons.join('; ')).toBe('pass');
    expect(code).toBe(0);
    expect(await listActive(path.resolve(tmp.dir, runDir!, 'faults-ledger.json'))).toEqual([]);
  }, 240_000);
});
