import { StresslabError } from '../core/stresslab-error.ts';

/**
 * `STRESSLAB_<OPTION>` environment variables for every option of a command: `--profile quick` is
 * `STRESSLAB_PROFILE=quick`, `--max-runs 3` is `STRESSLAB_MAX_RUNS=3`. The command line wins over
 * the environment, the environment over the scenario and the defaults (the values are handed to
 * yargs as a config object, which ranks below the command line and above defaults).
 *
 * Not yargs' own `.env()`: it reads every STRESSLAB_* variable, so the harness's internal ones
 * (STRESSLAB_STATE_DIR, STRESSLAB_LEDGER, …) became "Unknown argument: stateDir" under `.strict()`,
 * and its errors could not name the variable. Here only the command's own options are read, each
 * value is checked against the option's type, and a bad one is an error naming the variable.
 */

/** The part of yargs' (untyped) `getOptions()` this reads. */
export interface OptionsView {
  key: Record<string, unknown>;
  boolean: readonly string[];
  number: readonly string[];
  array: readonly string[];
  string: readonly string[];
  alias: Record<string, readonly string[]>;
  hiddenOptions: readonly string[];
}

export const ENV_PREFIX = 'STRESSLAB_';

/** Options never read from the environment: a STRESSLAB_HELP left in a shell must not turn every call into help. */
const NOT_FROM_ENV = new Set(['help', 'version']);

export interface EnvOption {
  /** The option's long name, as on the command line (`max-runs`). */
  option: string;
  variable: string;
}

export interface EnvValues {
  /** Option name → value, for yargs' `.config()`. */
  values: Record<string, unknown>;
  /** The options set from the environment, with their variables. */
  used: EnvOption[];
}

/** `max-runs` → `STRESSLAB_MAX_RUNS`. */
export function envVariableOf(option: string): string {
  return `${ENV_PREFIX}${option.replace(/-/g, '_').toUpperCase()}`;
}

/** The options of a command that a variable can set: declared, not a positional, not an alias, not help. */
export function envOptionsOf(view: OptionsView, positionals: readonly string[]): EnvOption[] {
  const aliases = new Set(Object.values(view.alias).flat());
  return Object.keys(view.key)
    .filter((k) => !NOT_FROM_ENV.has(k) && !positionals.includes(k) && !aliases.has(k))
    .map((option) => ({ option, variable: envVariableOf(option) }));
}

/** The values the environment gives a command's options; empty variables count as unset. */
export function envValues(view: OptionsView, positionals: readonly string[], env: Readonly<Record<string, string | undefined>>): EnvValues {
  const values: Record<string, unknown> = {};
  const used: EnvOption[] = [];
  for (const o of envOptionsOf(view, positionals)) {
    const raw = env[o.variable];
    if (raw === undefined || raw.trim() === '') continue;
    values[o.option] = typedValue(view, o, raw);
    used.push(o);
  }
  return { values, used };
}

function typedValue(view: OptionsView, { option, variable }: EnvOption, raw: string): unknown {
  const text = raw.trim();
  const one = (t: string): unknown => {
    if (view.boolean.includes(option)) return parseBoolean(t, variable, option);
    if (view.number.includes(option)) {
      const n = Number(t);
      if (!Number.isFinite(n)) throw badValue(variable, t, `--${option} takes a number`, `${variable}=1`);
      return n;
    }
    // An option without a type (e.g. --baseline FILE | --no-baseline) takes a word or true/false.
    if (!view.string.includes(option) && /^(true|false)$/i.test(t)) return t.toLowerCase() === 'true';
    return t;
  };
  if (view.array.includes(option)) return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(one);
  return one(text);
}

function parseBoolean(text: string, variable: string, option: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw badValue(variable, text, `--${option} is on or off`, `${variable}=true or ${variable}=false`);
}

function badValue(variable: string, text: string, what: string, example: string): StresslabError {
  return new StresslabError('BAD_USAGE', `${variable}: ${JSON.stringify(text)} is not a valid value (${what}); nothing was run`, { hint: `e.g. ${example}, or unset ${variable}` });
}

/**
 * An error about a flag that came from the environment names the variable: `--runs must be …`
 * becomes `STRESSLAB_RUNS: --runs must be …`. Errors that do not name such a flag are unchanged.
 */
export function attributeToEnv(error: StresslabError, fromEnv: readonly EnvOption[]): StresslabError {
  const hit = fromEnv.find((o) => new RegExp(`(^|[^\\w-])--${o.option}(?![\\w-])`).test(error.message) && !error.message.startsWith(o.variable));
  if (hit === undefined) return error;
  return new StresslabError(error.code, `${hit.variable}: ${error.message}`, { hint: error.hint, file: error.file, problems: error.problems, cause: error });
}

/** Whether argv sets the option itself (then the environment's value is not the one used). */
export function givenOnCommandLine(argv: readonly string[], option: string, aliases: readonly string[]): boolean {
  const names = [option, ...aliases];
  return argv.some((a) => names.some((n) => {
    const flag = n.length === 1 ? `-${n}` : `--${n}`;
    return a === flag || a.startsWith(`${flag}=`) || a === `--no-${n}`;
  }));
}

/** The --help epilogue: the rule and this command's variables. */
export function envHelp(options: readonly EnvOption[]): string {
  if (options.length === 0) return '';
  return `Environment: every option can be set as ${ENV_PREFIX}<OPTION> (the command line wins; a list takes commas): ${options.map((o) => o.variable).join(', ')}`;
}
