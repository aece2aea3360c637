import { harnessVersion } from '../core/version.ts';
import type { Argv } from 'yargs';
import { ExitCode } from '../core/exit-codes.ts';
import { isStresslabError } from '../core/stresslab-error.ts';
import type { CliIo, StresslabCommand } from './command.ts';
import { commands, positionalsOf, selectedCommand } from './commands.ts';
import type { CommandListing } from './commands.ts';
import { completeWords, completionArgv } from './completion.ts';
import { attributeToEnv, envHelp, envOptionsOf, envValues, givenOnCommandLine } from './env-options.ts';
import type { EnvOption, OptionsView } from './env-options.ts';
import { redactText } from '../core/redact.ts';
import { usageError } from './usage-error.ts';

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    isTTY: Boolean(process.stdout.isTTY),
    errIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  };
}

const EPILOGUE = [
  'Environment: every option of a command can also be set as STRESSLAB_<OPTION>, e.g. STRESSLAB_PROFILE=quick, STRESSLAB_REPORTS_DIR=out;',
  'the command line wins over the environment, the environment over the scenario and the defaults (`stresslab <command> --help` lists them).',
  'Shell completion: `stresslab completion >> ~/.bashrc` (bash) or `stresslab completion >> ~/.zshrc` (zsh).',
].join('\n');

/**
 * Runs the CLI and returns the exit code (never calls process.exit, so tests can call it).
 * `env` is where STRESSLAB_* options are read from (process.env unless a test passes its own).
 */
export async function main(argv: readonly string[], rawIo: CliIo = processIo(), env: Readonly<Record<string, string | undefined>> = process.env): Promise<ExitCode> {
  // Every line a person or a CI log sees passes here: credentials in URLs never get printed.
  const io: CliIo = { ...rawIo, out: (t) => rawIo.out(redactText(t)), err: (t) => rawIo.err(redactText(t)) };
  // Before yargs: `--version` alone answers at once, whatever the commands would load or check.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`stresslab ${harnessVersion}`);
    return ExitCode.ok;
  }
  let code: ExitCode = ExitCode.ok;
  // Only the command being run is loaded (commands.ts); the others are names in the help. When the
  // shell asks for completions, the command is the one on the line being completed.
  const completing = completionArgv(argv);
  const selected = selectedCommand(completing ?? argv);
  let module: StresslabCommand<never> | null;
  let yargs: typeof import('yargs').default;
  let presets: string[] = [];
  try {
    module = selected === null ? null : await selected.load();
    if (completing !== null) presets = await (await import('../scenario/scenario-files.ts')).presetNames();
    ({ default: yargs } = await import('yargs'));
  } catch (e) {
    return reportError(e, io, []);
  }
  const fromEnv: EnvOption[] = [];
  const parser = yargs([...argv])
    .scriptName('stresslab')
    .usage('$0 <command> [options]\n\nStress, chaos and load tests for data validation and execution systems. `stresslab --version` prints the version.')
    .strict()
    .demandCommand(1, 'Name a command: run, list, plan, validate, …')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .completion('completion', 'Print the shell completion script (bash, or zsh when $SHELL is zsh): stresslab completion >> ~/.bashrc', (current: string, _parsed: unknown, defaults: (then: (err: Error | null, words: string[] | undefined) => void) => void, done: (words: string[]) => void) => {
      defaults((_err, words) => done(completeWords({ words: words ?? [], current, line: completing ?? [], presets })));
    })
    .epilogue(EPILOGUE)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    // Throwing here stops the parse before any handler runs: a typo such as `--profle quick` must
    // not run the full profile first (yargs calls a handler after a non-throwing fail callback).
    .fail((msg, err, usage) => {
      if (err) throw err;
      throw usageError(msg ?? 'bad usage', argv, knownFlagsOf(usage), selected?.command ?? null);
    });
  for (const c of commands) {
    if (c === selected && module !== null) register(parser, c, module, io, { argv, env, fromEnv }, (result) => (code = result));
    else parser.command(c.command, c.describe);
  }
  try {
    await parser.parseAsync();
  } catch (e) {
    return reportError(e, io, fromEnv);
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

interface EnvContext {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** Filled by the builder: the options whose value came from the environment (for error messages). */
  fromEnv: EnvOption[];
}

function register<A>(parser: Argv, listing: CommandListing, c: StresslabCommand<A>, io: CliIo, ctx: EnvContext, done: (code: ExitCode) => void): void {
  parser.command({
    command: listing.command,
    describe: listing.describe,
    builder: (y: Argv) => {
      const built = c.builder(y);
      for (const [cmd, description] of c.examples) built.example(cmd, description);
      const view = (built as unknown as { getOptions(): OptionsView }).getOptions();
      const positionals = positionalsOf(listing);
      const { values, used } = envValues(view, positionals, ctx.env);
      ctx.fromEnv.push(...used.filter((o) => !givenOnCommandLine(ctx.argv, o.option, view.alias[o.option] ?? [])));
      const shown = envOptionsOf(view, positionals).filter((o) => !view.hiddenOptions.includes(o.option));
      return (Object.keys(values).length > 0 ? built.config(values) : built).epilogue(envHelp(shown));
    },
    handler: async (args) => {
      done(await c.run(args as unknown as A, io));
    },
  });
}

function reportError(e: unknown, io: CliIo, fromEnv: readonly EnvOption[]): ExitCode {
  if (isStresslabError(e)) {
    const named = attributeToEnv(e, fromEnv);
    io.err(`error: ${named.format()}`);
    return named.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`internal error: ${err.message}\n${err.stack ?? ''}\nThis is a bug in stresslab; please report it with the command you ran.`);
  return ExitCode.internal;
}
