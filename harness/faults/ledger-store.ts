import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import { isAlive } from '../../process-kit/process-identity.ts';
import { undoActionSchema } from './undo-action.ts';

export const ledgerEntrySchema = z.object({
  /** `<runId>/<fault name>`, unique across runs. */
  id: z.string(),
  runId: z.string(),
  fault: z.string(),
  kind: z.string(),
  /** The harness that injected it: cleanup leaves a live run's faults alone. */
  owner: z.object({ pid: z.number().int(), startTime: z.string().nullable() }),
  recordedAt: z.string(),
  state: z.enum(['active', 'done']),
  doneAt: z.string().nullable(),
  /** Every ledger holding this entry, so whoever finishes it marks all of them. */
  files: z.array(z.object({ path: z.string(), keepDone: z.boolean() })),
  /** In the order the steps were taken; undone in reverse. */
  undo: z.array(undoActionSchema),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

const ledgerDocumentSchema = z.object({ version: z.literal(1), entries: z.array(ledgerEntrySchema) });
export type LedgerDocument = z.infer<typeof ledgerDocumentSchema>;

/** The machine-wide ledger: $STRESSLAB_LEDGER, else $STRESSLAB_STATE_DIR/ledger.json, else ~/.stresslab/ledger.json. */
export function machineLedgerPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRESSLAB_LEDGER) return path.resolve(env.STRESSLAB_LEDGER);
  return path.join(env.STRESSLAB_STATE_DIR ? path.resolve(env.STRESSLAB_STATE_DIR) : path.join(os.homedir(), '.stresslab'), 'ledger.json');
}

export async function readLedger(file: string): Promise<LedgerDocument> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: [] };
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw corrupt(file, (e as Error).message);
  }
  const parsed = ledgerDocumentSchema.safeParse(json);
  if (!parsed.success) throw corrupt(file, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

function corrupt(file: string, why: string): StresslabError {
  return new StresslabError('BAD_USAGE', `The fault ledger ${file} cannot be read: ${why}`, {
    file,
    hint: 'Inspect it by hand: each active entry lists what undoes it. Move it away once the faults are gone.',
  });
}

/** Read-modify-write under an O_EXCL lock file, so two harnesses (or a run and `faults cleanup`) never lose an update. */
export async function updateLedger(file: string, change: (doc: LedgerDocument) => LedgerDocument): Promise<LedgerDocument> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const release = await acquireLock(`${file}.lock`);
  try {
    const next = change(await readLedger(file));
    await writeFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
    // It may hold database URLs and chaos tokens.
    await fs.chmod(file, 0o600);
    return next;
  } finally {
    await release();
  }
}

const lockWaitMs = 5_000;
const staleLockMs = 10_000;

async function acquireLock(lockFile: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + lockWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid }));
      } catch (e) {
        // A full disk creates the file but not its content: an empty lock would read as a live
        // holder for staleLockMs, so every later update (and `faults cleanup`) would wait and fail.
        await handle.close().catch(() => {});
        await fs.rm(lockFile, { force: true });
        throw e;
      }
      await handle.close();
      return () => fs.rm(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (await isStale(lockFile)) {
      await fs.rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new StresslabError('FAULT_FAILED', `The fault ledger is locked by another process (${lockFile})`, {
        hint: 'If no stresslab process is running, delete the lock file.',
      });
    }
    await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 5, 50)));
  }
}

/** A lock left by a killed process: its holder is gone, or it is far older than any update takes. */
async function isStale(lockFile: string): Promise<boolean> {
  try {
    const [stat, text] = await Promise.all([fs.stat(lockFile), fs.readFile(lockFile, 'utf8')]);
    if (Date.now() - stat.mtimeMs > staleLockMs) return true;
    const pid = (JSON.parse(text || '{}') as { pid?: unknown }).pid;
    return typeof pid === 'number' && !isAlive({ pid, startTime: null });
  } catch {
    // Vanished or half-written: a half-written lock is young; the next attempt decides.
    return false;
  }
}
