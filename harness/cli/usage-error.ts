import { closestName } from '../core/closest-name.ts';
import { StresslabError } from '../core/stresslab-error.ts';

/**
 * The error for a usage mistake yargs found (unknown flag, missing positional, bad choice):
 * BAD_USAGE (exit 2) naming the flag, with a did-you-mean among the command's own flags and the
 * `--help` to read. Thrown from yargs' `.fail()` so that no command handler runs after it.
 */
export function usageError(message: string, argv: readonly string[], knownFlags: readonly string[], command: string | null): StresslabError {
  // `command` is the yargs spec of the command named on the line, e.g. `run <scenario>`.
  const name = command?.split(' ')[0];
  const help = `run \`stresslab ${name ? `${name} ` : ''}--help\` for the options`;
  if (command && /^Not enough non-option arguments/.test(message)) {
    return new StresslabError('BAD_USAGE', `missing argument: the usage is \`stresslab ${command}\`; nothing was run`, { hint: help });
  }
  if (/^Did you mean/.test(message)) {
    const first = argv.find((a) => !a.startsWith('-')) ?? '';
    return new StresslabError('BAD_USAGE', `unknown command "${first}". ${message} Nothing was run`, { hint: 'run `stresslab --help` for the commands' });
  }
  const choice = /Argument: ([^,]+), Given: "?([^"]*)"?, Choices: (.+)$/m.exec(message);
  if (choice?.[1] !== undefined && choice[2] !== undefined && choice[3] !== undefined) {
    const options = choice[3].split(', ').map((c) => c.replace(/^"|"$/g, ''));
    const guess = closestName(choice[2], options);
    return new StresslabError('BAD_USAGE', `"${choice[2]}" is not a valid ${choice[1]}${guess ? ` (did you mean "${guess}"?)` : ''}: nothing was run`, {
      hint: `use one of: ${options.join(', ')}`,
    });
  }
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (unknown?.[1] === undefined) return new StresslabError('BAD_USAGE', `${message}; nothing was run`, { hint: help });
  const words = unknown[1].split(', ').map((w) => w.trim()).filter((w) => w.length > 0);
  const flags = new Set(knownFlags.filter((f) => f !== 'version'));
  const each = words.map((word) => {
    const isFlag = argv.some((a) => a === `--${word}` || a.startsWith(`--${word}=`) || a === `-${word}` || a === `--no-${word}`);
    if (!isFlag) return `unexpected argument "${word}"`;
    const shown = `${word.length === 1 ? '-' : '--'}${word}`;
    const guess = closestName(word, [...flags]);
    return `unknown flag ${shown}${guess ? ` (did you mean --${guess}?)` : ''}`;
  });
  return new StresslabError('BAD_USAGE', `${each.join('; ')}: nothing was run`, { hint: help });
}
