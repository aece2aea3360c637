import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { presetNames } from '../../../harness/scenario/scenario-files.ts';
import { runValidateFuzz, writeSpecialBodies } from '../../support/validate-fuzz.ts';

/**
 * The small version of test/reliability/scenario-fuzz.test.ts: 99 seeded mutants of the presets
 * (9 each, JSON and YAML, structural and byte damage; giant arrays only in the big one) through `stresslab validate`. Every one is
 * valid or refused with exit 2 naming the file; none is an internal error or a hang.
 */
describe('fuzz: mutated preset files through stresslab validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stresslab-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('99 mutants: valid or exit 2 with the file and a path or line, 0 internal errors', async () => {
    writeSpecialBodies(dir);
    const presets = await presetNames();
    const report = await runValidateFuzz({ dir, presets, perPreset: 9, seed: 13, batchTimeoutMs: 30_000, giantArrays: false });
    const { counts } = report;
    expect(report.internalErrors).toEqual([]);
    expect(report.refusalsWithoutFile).toEqual([]);
    expect(report.structuralWithoutPath).toEqual([]);
    expect(counts.mutants).toBe(presets.length * 9);
    expect(counts.valid + counts.refused).toBe(counts.mutants);
    expect(counts.withPath + counts.atRoot + counts.withPosition + counts.fileLevel).toBe(counts.refused);
    // Both outcomes occur, and both formats were tried: a fuzzer that only ever fails parsing tests little.
    expect(counts.valid).toBeGreaterThan(0);
    expect(counts.withPath).toBeGreaterThan(counts.refused / 2);
    expect(counts.json).toBeGreaterThan(0);
    expect(counts.yaml).toBeGreaterThan(0);
  });
});
