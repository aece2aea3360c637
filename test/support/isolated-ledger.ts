import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Gives the test file a temporary directory and points the machine fault ledger
 * (STRESSLAB_LEDGER) into it, so runs under test never touch ~/.stresslab. Call at the top level
 * of a test file; `dir` is set once beforeAll has run.
 */
export function useIsolatedLedger(prefix: string): { readonly dir: string } {
  const state = { dir: '' };
  beforeAll(async () => {
    state.dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    process.env.STRESSLAB_LEDGER = path.join(state.dir, 'machine-ledger.json');
  });
  afterAll(async () => {
    delete process.env.STRESSLAB_LEDGER;
    await fs.rm(state.dir, { recursive: true, force: true });
  });
  return state;
}
