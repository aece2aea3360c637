import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { presetNames } from '../../harness/scenario/scenario-files.ts';
import { validateFuzzPool, writeSpecialBodies } from '../support/validate-fuzz.ts';
import type { FuzzCounts, FuzzReport } from '../support/validate-fuzz.ts';

/**
 * Issue 13's fuzz test: 1,000 seeded mutants of every preset (half JSON, half YAML) through
 * `stresslab validate`: deleted, duplicated and retyped fields, random values at random paths,
 * nesting thousands of levels deep, huge fault repeats and load lengths, giant arrays, body files
 * that are FIFOs, devices, directories, too big or badly encoded, a BOM, invalid UTF-8, duplicate
 * keys, truncated files. Every mutant is valid or refused with exit 2 naming the file (and a JSON
 * path, or a line for damaged text); 0 internal errors; each batch of 50 bounded in time.
 * STRESSLAB_FUZZ_MUTANTS changes the count per preset. The counts go to the log and to
 * test-artifacts/scenario-fuzz.json. The presets are spread over worker processes, one per core (at
 * most 2; STRESSLAB_FUZZ_WORKERS changes it), each validating in-process as the CLI does.
 */
const PER_PRESET = Number(process.env.STRESSLAB_FUZZ_MUTANTS ?? 1000);
const WORKERS = Number(process.env.STRESSLAB_FUZZ_WORKERS ?? Math.min(2, availableParallelism()));
const SEED = 20_261_202;

describe('fuzz: 1,000 mutants of every preset through stresslab validate', async () => {
  const presets = await presetNames();
  const dir = mkdtempSync(join(tmpdir(), 'stresslab-fuzz-'));
  writeSpecialBodies(dir);
  const reports = new Map<string, FuzzReport>();
  const pool = validateFuzzPool(WORKERS);

  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
    const total = {} as FuzzCounts;
    for (const r of reports.values()) for (const [k, v] of Object.entries(r.counts)) total[k as keyof FuzzCounts] = (total[k as keyof FuzzCounts] ?? 0) + v;
    const perPreset = Object.fromEntries([...reports].sort(([a], [b]) => a.localeCompare(b)).map(([p, r]) => [p, r.counts]));
    const slowestBatchMs = Math.max(0, ...[...reports.values()].map((r) => Math.round(r.slowestBatchMs)));
    const summary = { seed: SEED, perPreset: PER_PRESET, workers: WORKERS, total, slowestBatchMs, presets: perPreset };
    mkdirSync('test-artifacts', { recursive: true });
    writeFileSync(join('test-artifacts', 'scenario-fuzz.json'), `${JSON.stringify(summary, null, 2)}\n`);
    console.log(
      `scenario fuzz: ${total.mutants} mutants (${total.json} JSON, ${total.yaml} YAML): ${total.valid} valid, ${total.refused} refused with exit 2 ` +
        `(${total.withPath} with a JSON path, ${total.atRoot} at the document's root, ${total.withPosition} with a line/byte position, ${total.fileLevel} about the file as a whole), ` +
        `${total.internal} internal errors; slowest batch of 50: ${slowestBatchMs} ms`,
    );
  });

  for (const [i, preset] of presets.entries()) {
    // Concurrent: the pool runs as many presets at once as it has workers, the rest wait their turn.
    it.concurrent(`${preset}: ${PER_PRESET} mutants`, { timeout: 600_000 }, async ({ expect }) => {
      const report = await pool.run({ dir, presets: [preset], perPreset: PER_PRESET, seed: SEED + i * 7919, batchTimeoutMs: 60_000 });
      reports.set(preset, report);
      const { counts } = report;
      expect(report.internalErrors).toEqual([]);
      expect(report.refusalsWithoutFile).toEqual([]);
      expect(report.structuralWithoutPath).toEqual([]);
      expect(counts.mutants).toBe(PER_PRESET);
      expect(counts.valid + counts.refused).toBe(PER_PRESET);
      expect(counts.withPath + counts.atRoot + counts.withPosition + counts.fileLevel).toBe(counts.refused);
    });
  }
});
