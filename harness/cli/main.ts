import { harnessVersion } from '../core/version.ts';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { commands, selectedCommand } from './commands.ts';
import type { CommandListing } from './commands.ts';
import { redactText } from '../core/redact.ts';
import { usageError } from './usage-error.ts';

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}

/** Runs the CLI and returns the exit code (never calls process.exit, so tests can call it). */
export async function main(argv: readonly string[], rawIo: CliIo = processIo()): Promise<ExitCode> {
  // Every line a person or a CI log sees passes here: credentials in URLs never get printed.
  const io: CliIo = { ...rawIo, out: (t) => rawIo.out(redactText(t)), err: (t) => rawIo.err(redactText(t)), isTTY: rawIo.isTTY, cwd: rawIo.cwd };
  // Before yargs: `--version` alone answers at once, whatever the commands would load or check.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`stresslab ${harnessVersion}`);
    return ExitCode.ok;
  }
  let code: ExitCode = ExitCode.ok;
  // Only the command being run is loaded (commands.ts); the others are names in the help.
  const selected = selectedCommand(argv);
  let module: StresslabCommand<never> | null;
  let yargs: typeof import('yargs').default;
  try {
    module = selected === null ? null : await selected.load();
    ({ default: yargs } = await import('yargs'));
  } catch (e) {
    return reportError(e, io);
  }
  const parser = yargs([...argv])
    .scriptName('stresslab')
    .usage('$0 <command> [options]\n\nStress, chaos and load tests for data validation and execution systems. `stresslab --version` prints the version.')
    .strict()
    .demandCommand(1, 'Name a command: run, list, plan, validate, …')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    // Throwing here stops the parse before any handler runs: a typo such as `--profle quick` must
    // not run the full profile first (yargs calls a handler after a non-throwing fail callback).
    .fail((msg, err, usage) => {
      if (err) throw err;
      throw usageError(msg ?? 'bad usage', argv, knownFlagsOf(usage), selected?.command ?? null);
    });
  for (const c of commands) {
    if (c === selected && module !== null) register(parser, c, module, io, (result) => (code = result));
    else parser.command(c.command, c.describe);
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    return reportError(e, io);
  }
  return code;
}

/** The flags of the command being parsed: yargs hands its usage instance (not an Argv) to `.fail()`. */
function knownFlagsOf(usage: unknown): string[] {
  const describe = (usage as { getDescriptions?: unknown } | null)?.getDescriptions;
  if (typeof describe !== 'function') return [];
  const descriptions: unknown = describe.call(usage);
  return typeof descriptions === 'object' && descriptions !== null ? Object.keys(descriptions) : [];
}

function register<A>(parser: Argv, listing: CommandListing, c: StresslabCommand<A>, io: CliIo, done: (code: ExitCode) => void): void {
  parser.command({
    command: listing.command,
    describe: listing.describe,
    builder: (y: Argv) => {
      const built = c.builder(y);
      for (const [cmd, description] of c.examples) built.example(cmd, description);
      return built;
    },
    handler: async (args) => {
      done(await c.run(args as unknown as A, io));
    },
  });
}

function reportError(e: unknown, io: CliIo): ExitCode {
  if (isStresslabError(e)) {
    io.err(`error: ${e.format()}`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`internal error: ${err.message}\n${err.stack ?? ''}\nThis is a bug in stresslab; please report it with the command you ran.`);
  return ExitCode.internal;
}
