import yargs from 'yargs';
import { commandName, commands } from '../../harness/cli/commands.ts';

/**
 * The real CLI surface, read from the yargs builders: command name → its options and positionals
 * (with aliases). Tests of docs and recipes check every `stresslab …` they call against it.
 */
export async function cliOptions(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const c of commands) {
    // getOptions() is yargs API that @types/yargs does not declare.
    const built = (await c.load()).builder(yargs([])) as unknown as { getOptions(): { key: Record<string, unknown>; alias: Record<string, string[]> } };
    const o = built.getOptions();
    const names = new Set<string>(Object.keys(o.key));
    for (const [k, aliases] of Object.entries(o.alias)) for (const a of [k, ...aliases]) names.add(a);
    out.set(commandName(c), names);
  }
  return out;
}

export interface StresslabCall {
  command: string;
  positionals: string[];
  flags: string[];
}

/** `node` right before words[i], or `node` with only its own flags (such as `--max-old-space-size=4096`) between. */
function nodeBefore(words: readonly string[], i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (words[j] ?? '').startsWith('--')) j--;
  return words[j] === 'node';
}

/**
 * Splits a shell command line such as `npx stresslab run light --profile quick --env ci` into the
 * stresslab command, positionals and flag names. Recognises `stresslab`, `npx stresslab` and
 * `node [node flags] bin/stresslab.mjs`; returns null for any other command.
 */
export function parseStresslabCall(words: readonly string[]): StresslabCall | null {
  const start = words.findIndex((w, i) => w === 'stresslab' || (w.endsWith('bin/stresslab.mjs') && nodeBefore(words, i)));
  if (start < 0) return null;
  const rest = words.slice(start + 1);
  const [command, ...args] = rest;
  if (command === undefined) return null;
  const positionals: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith('--')) {
      const [name = '', inline] = a.slice(2).split('=', 2);
      flags.push(name);
      const next = args[i + 1];
      // Value-taking flags: the next word is the value unless it is another flag (booleans like --yes).
      if (inline === undefined && next !== undefined && !next.startsWith('-') && !BOOLEAN_FLAGS.has(name)) i++;
    } else if (a.startsWith('-') && a.length > 1) {
      flags.push(a.slice(1));
    } else {
      positionals.push(a);
    }
  }
  return { command, positionals, flags };
}

const BOOLEAN_FLAGS = new Set(['yes', 'dry-run', 'help', 'json', 'update-baseline']);

/**
 * The simple commands of a shell script (GitHub Actions `run:` blocks), as words: continuation
 * lines joined, split on newlines, `&&`, `||`, `;` and `|`, quotes removed. Enough for recipes,
 * not a shell.
 */
export function shellCommands(script: string): string[][] {
  const joined = script.replace(/\\\r?\n/g, ' ');
  const out: string[][] = [];
  for (const line of joined.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    let words: string[] = [];
    for (const token of tokenize(trimmed)) {
      if (['&&', '||', ';', '|'].includes(token)) {
        if (words.length > 0) out.push(words);
        words = [];
      } else words.push(token);
    }
    if (words.length > 0) out.push(words);
  }
  return out;
}

function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:(&&|\|\||;|\|)|((?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"';|&]|&(?!&))+))/gy;
  for (let m = re.exec(line); m !== null && m[0] !== ''; m = re.exec(line)) {
    if (m[1] !== undefined) tokens.push(m[1]);
    else if (m[2] !== undefined) tokens.push(m[2].replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_w, d: string | undefined, s: string | undefined) => d ?? s ?? ''));
  }
  return tokens;
}
