import { durationMs } from '../core/duration.ts';
import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { runShell } from './shell-command.ts';
import type { ShellResult } from './shell-command.ts';

/** Any command pair (docker, kubectl, Chaos Mesh…): `inject` at injection, `remove` at removal. */
export const exec: FaultKindModule<'exec'> = {
  kind: 'exec',
  describe: (p) => `exec \`${p.inject}\`, undone by \`${p.remove}\``,
  create(event, ctx) {
    const p = paramsOf(event, 'exec');
    const timeoutMs = durationMs(p.timeout);
    const cwd = process.cwd();
    let attempted = false;
    let removed = false;
    const run = async (what: 'inject' | 'remove', command: string): Promise<void> => {
      const r = await runShell(command, { timeoutMs, cwd });
      logOutput(ctx.log, `${event.name} ${what}`, r);
      if (r.timedOut || r.code !== 0) {
        throw new StresslabError('FAULT_FAILED', `The ${what} command of ${event.name} ${r.timedOut ? `timed out after ${p.timeout}` : `exited ${r.code ?? r.signal}`}`, {
          hint: `Command: ${command}\n${r.stderr.trim().split('\n').slice(-5).join('\n')}`,
        });
      }
    };
    return {
      async inject() {
        attempted = true;
        await ctx.ledger.intend(event.name, { kind: 'run-command', command: p.remove, timeoutMs, cwd });
        await run('inject', p.inject);
      },
      async remove() {
        if (!attempted || removed) return;
        await run('remove', p.remove);
        removed = true;
      },
    };
  },
};

function logOutput(log: (msg: string) => void, what: string, r: ShellResult): void {
  const out = r.stdout.trim();
  const err = r.stderr.trim();
  log(`${what}: exit ${r.code ?? r.signal}${out ? `\n  stdout: ${out}` : ''}${err ? `\n  stderr: ${err}` : ''}`);
}
