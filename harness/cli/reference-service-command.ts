import { spawn } from 'node:child_process';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { nodeArgsFor } from '../core/process/module-entry.ts';
import { REFERENCE_SERVICE_MAIN } from '../run/target-start-spec.ts';
import type { StresslabCommand } from './command.ts';

export interface ReferenceServiceArgs {
  port: number;
}

/** `stresslab reference-service`: the reference service in the foreground (same as `npm run reference-service`). */
export const referenceServiceCommand: StresslabCommand<ReferenceServiceArgs> = {
  builder: (y: Argv) =>
    y.option('port', { type: 'number', default: Number(process.env.PORT ?? 8080), describe: 'Port to listen on (0 = a free one)' }) as unknown as Argv<ReferenceServiceArgs>,
  examples: [
    ['stresslab reference-service --port 8080', 'Serve on http://127.0.0.1:8080 with a throw-away database'],
    ['DATABASE_URL=postgres://user:pw@127.0.0.1:5432/app stresslab reference-service', 'Use an existing PostgreSQL'],
  ],
  async run(args) {
    const child = spawn(process.execPath, nodeArgsFor(REFERENCE_SERVICE_MAIN), {
      env: { ...process.env, PORT: String(args.port) },
      stdio: 'inherit',
    });
    // The child handles SIGINT/SIGTERM itself (graceful drain); the CLI only waits for it.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    process.off('SIGINT', ignore);
    process.off('SIGTERM', ignore);
    return code === 0 ? ExitCode.ok : ExitCode.environmentNotReady;
  },
};
