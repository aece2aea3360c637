import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import yargs from 'yargs';
import { faultsCommand } from '../../../harness/cli/faults-command.ts';
import type { FaultsArgs } from '../../../harness/cli/faults-command.ts';
import { FaultLedger } from '../../../harness/faults/fault-ledger.ts';
import { removeTempDirs, tempDir } from '../../integration/faults/fault-fixture.ts';

afterAll(() => removeTempDirs());

function captureIo(cwd: string): { out: (t: string) => void; err: (t: string) => void; isTTY: boolean; cwd: string; lines: string[] } {
  const lines: string[] = [];
  return { out: (t) => void lines.push(t), err: (t) => void lines.push(t), isTTY: false, cwd, lines };
}

describe('stresslab faults', () => {
  it('parses `faults <list|cleanup> [--ledger FILE] [--force]` and rejects other actions', async () => {
    const parse = (argv: string[]): Promise<FaultsArgs> =>
      new Promise((resolve, reject) => {
        void yargs(argv)
          .command({ command: 'faults <action>', describe: 'faults', builder: faultsCommand.builder, handler: (a) => resolve(a as unknown as FaultsArgs) })
          .strict()
          .exitProcess(false)
          .fail((msg) => reject(new Error(msg)))
          .parseAsync();
      });
    expect(await parse(['faults', 'cleanup', '--ledger', 'x.json'])).toMatchObject({ action: 'cleanup', ledger: 'x.json', force: false });
    expect(await parse(['faults', 'list'])).toMatchObject({ action: 'list' });
    await expect(parse(['faults', 'explode'])).rejects.toThrow(/Invalid values|choices/);
  });

  it('lists active faults with what undoes them, and nothing once they are done', async () => {
    const dir = tempDir('faults-cmd');
    const ledger = new FaultLedger({ runId: 'r7', runFile: path.join(dir, 'run.json'), machineFile: null });
    await ledger.open({ name: 'pause#1', kind: 'process-pause' });
    await ledger.intend('pause#1', { kind: 'resume-process', pid: 424242, startTime: '99' });
    const io = captureIo(dir);
    expect(await faultsCommand.run({ action: 'list', ledger: 'run.json', force: false }, io)).toBe(0);
    expect(io.lines.join('\n')).toMatch(/1 active fault\(s\)[\s\S]*r7\/pause#1  process-pause[\s\S]*run still alive[\s\S]*undo: resume paused pid 424242/);
    await ledger.done('pause#1');
    io.lines.length = 0;
    await faultsCommand.run({ action: 'list', ledger: 'run.json', force: false }, io);
    expect(io.lines).toEqual([`no active faults in ${path.join(dir, 'run.json')}`]);
  });
});
