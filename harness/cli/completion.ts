import { BUILT_IN_PROFILES, FULL_PROFILE } from '../scenario/profile-names.ts';

/**
 * Shell completion (`stresslab completion` prints the script; the shell then calls
 * `stresslab --get-yargs-completions stresslab <words…>` on each Tab). yargs completes commands
 * and the options of the command on the line; this adds the preset names where a scenario goes
 * and the profile names after --profile. Only the command on the line is loaded (main.ts), so a
 * Tab costs what `stresslab <command> --help` costs.
 */
export const COMPLETIONS_FLAG = '--get-yargs-completions';

/** The words being completed (after the program's name), or null when argv is not a completion request. */
export function completionArgv(argv: readonly string[]): string[] | null {
  const at = argv.indexOf(COMPLETIONS_FLAG);
  return at < 0 ? null : argv.slice(at + 2);
}

/** Where a scenario (preset name or file) is the next word: the words before it. */
const SCENARIO_SLOTS = ['run', 'plan', 'ab', 'baseline record', 'baseline show', 'k6 export'];

export interface CompletionInput {
  /** What yargs' default completion found (commands, options). */
  words: readonly string[];
  /** The word under the cursor (possibly empty). */
  current: string;
  /** The words after the program's name, the current one last. */
  line: readonly string[];
  /**
   * The preset scenario names, read before the parse: the answer must be given synchronously, or
   * yargs runs the command's own validation first, which refuses --get-yargs-completions as an unknown flag.
   */
  presets: readonly string[];
}

export function completeWords({ words, current, line, presets }: CompletionInput): string[] {
  const before = line.slice(0, -1);
  const previous = before.at(-1);
  if (previous === '--profile') return matching([FULL_PROFILE, ...Object.keys(BUILT_IN_PROFILES)], current);
  // yargs lists a one-letter alias as `--q`, which no shell user types; `-q` is in --help.
  const flags = words.filter((w) => !/^--.$/.test(w));
  if (!current.startsWith('-') && SCENARIO_SLOTS.includes(before.join(' '))) return [...new Set([...matching(presets, current), ...flags])];
  return flags;
}

function matching(candidates: readonly string[], prefix: string): string[] {
  return candidates.filter((c) => c.startsWith(prefix));
}
