import * as z from 'zod';
import { durationSchema, formatDuration } from '../../core/duration.ts';
import { StresslabError } from '../../core/stresslab-error.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { runShell } from '../shell-command.ts';
import type { ShellResult } from '../shell-command.ts';

/**
 * Any command pair (docker, kubectl, Chaos Mesh…): `inject` at injection, `remove` at removal. Its
 * effect is unknown, so recovery counts from removal, the conservative choice.
 */
export const exec = defineFaultKind({
  kind: 'exec',
  params: {
    inject: z.string().min(1).meta({ description: 'Shell command that injects the fault (docker, kubectl, Chaos Mesh…).' }),
    remove: z.string().min(1).meta({ description: 'Shell command that removes it; must be safe to run twice.' }),
    timeout: durationSchema.prefault('30s'),
  },
  resolve: ({ timeout, ...p }) => ({ ...p, timeoutMs: timeout }),
  recoveryAnchor: 'removal',
  describe: (p) => `exec \`${p.inject}\`, undone by \`${p.remove}\``,
  touches: (p) => [{ category: 'command', text: `runs \`${p.inject}\`, later \`${p.remove}\` (timeout ${formatDuration(p.timeoutMs)})` }],
  create(event, ctx) {
    const p = event.params;
    const timeoutMs = p.timeoutMs;
    const cwd = process.cwd();
    let attempted = false;
    let removed = false;
    const run = async (what: 'inject' | 'remove', command: string): Promise<void> => {
      const r = await runShell(command, { timeoutMs, cwd });
      logOutput(ctx.log, `${event.name} ${what}`, r);
      if (r.timedOut || r.code !== 0) {
        throw new StresslabError('FAULT_FAILED', `The ${what} command of ${event.name} ${r.timedOut ? `timed out after ${formatDuration(timeoutMs)}` : `exited ${r.code ?? r.signal}`}`, {
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
});

function logOutput(log: (msg: string) => void, what: string, r: ShellResult): void {
  const out = r.stdout.trim();
  const err = r.stderr.trim();
  log(`${what}: exit ${r.code ?? r.signal}${out ? `\n  stdout: ${out}` : ''}${err ? `\n  stderr: ${err}` : ''}`);
}
