import type * as Yaml from 'yaml';
import { StresslabError } from '../core/stresslab-error.ts';
import { formatJsonPath } from '../core/json-path.ts';
import { duplicateJsonKeys } from './json-duplicate-keys.ts';
import { jsonErrorPosition, positionOf } from './json-syntax-error.ts';
import { INPUT_LIMITS } from './input-limits.ts';

/**
 * Parses a scenario (or JSON body file) text; syntax errors and duplicate keys become BAD_SCENARIO
 * with line and column. A leading byte-order mark is ignored in both formats.
 */
/** The yaml package's functions, as its CommonJS `default` holds them. */
type YamlApi = (typeof Yaml)['default'];

export async function parseSource(text: string, file: string, format: 'json' | 'yaml'): Promise<unknown> {
  if (format === 'json') return parseJsonSource(text, file);
  // Loaded for YAML files only: the parser is a quarter of a megabyte of code, and the presets are JSON.
  // `default`: yaml is CommonJS, and bundled (dist/) its dynamic-import chunk exports only `default`;
  // from sources Node's `default` is the same module.exports. Named exports were undefined in dist/.
  const { default: yaml } = await import('yaml');
  return parseYaml(yaml, withoutBom(text), file);
}

/** parseSource for JSON, synchronously (body files, whose format is fixed). */
export function parseJsonSource(text: string, file: string): unknown {
  return parseJson(withoutBom(text), file);
}

function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

export function formatOf(file: string): 'json' | 'yaml' {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const { line, column } = jsonErrorPosition(text);
    const detail = e instanceof Error ? e.message.replace(/,? ".*" is not valid JSON$/s, '') : 'syntax error';
    throw new StresslabError('BAD_SCENARIO', `invalid JSON in ${file}`, {
      file,
      problems: [{ path: '', message: `line ${line}, column ${column}: ${detail}`, hint: 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)' }],
    });
  }
  const duplicates = duplicateJsonKeys(text);
  if (duplicates.length > 0) {
    throw new StresslabError('BAD_SCENARIO', `duplicate keys in ${file}`, {
      file,
      problems: duplicates.map((d) => {
        const { line, column } = positionOf(text, d.offset);
        const key = String(d.path.at(-1));
        return { path: formatJsonPath(d.path), message: `line ${line}, column ${column}: key "${key}" is written twice in the same object`, hint: 'keep one of them (JSON would silently use the last)' };
      }),
    });
  }
  return value;
}

function parseYaml(yaml: YamlApi, text: string, file: string): unknown {
  // The document API reports every error with its position instead of throwing on the first.
  const deepAt = flowDeeperThan(yaml, text, INPUT_LIMITS.maxDocumentDepth);
  if (deepAt >= 0) {
    const { line, column } = positionOf(text, deepAt);
    throw tooDeepYaml(file, { line, col: column });
  }
  let doc;
  try {
    doc = withYamlDebugSwitches(() => yaml.parseDocument(text, { prettyErrors: true, uniqueKeys: true }));
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    throw tooDeepYaml(file, null);
  }
  if (doc.errors.length > 0) {
    // The parser recurses per nesting level and reports running out of stack as an error of its
    // own (at about 800 levels): that is the nesting limit, not a syntax error.
    const overflow = doc.errors.find((err) => err.message.includes(STACK_OVERFLOW));
    if (overflow) throw tooDeepYaml(file, overflow.linePos?.[0] ?? null);
    throw new StresslabError('BAD_SCENARIO', `invalid YAML in ${file}`, {
      file,
      problems: doc.errors.map((err) => {
        const pos = err.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
        return { path: '', message: `${where}${err.message.split('\n')[0] ?? err.code}`, hint: 'fix the YAML syntax (indentation and ":" after keys are the usual causes)' };
      }),
    });
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (isStackOverflow(e)) throw tooDeepYaml(file, null);
    // What toJS throws is about the document's aliases (unresolved, or too many expansions).
    throw new StresslabError('BAD_SCENARIO', `invalid YAML in ${file}`, {
      file,
      problems: [{ path: '', message: e instanceof Error ? e.message : String(e), hint: 'avoid deeply nested aliases' }],
    });
  }
}

/**
 * Runs yaml's parser with `process.env` standing in for an object that answers the parser's two
 * debug switches (LOG_TOKENS, LOG_STREAM) from a snapshot and every other name from the real
 * environment (its prototype). The parser reads `process.env.LOG_TOKENS` once per token, and on
 * Node each read of process.env is a call into C++: a fifth of the time of a large file. The parse
 * is synchronous, so no other code sees the stand-in, and the real object is back even on a throw.
 */
function withYamlDebugSwitches<T>(parse: () => T): T {
  const env = process.env;
  process.env = Object.create(env, {
    LOG_TOKENS: { value: env.LOG_TOKENS, enumerable: true },
    LOG_STREAM: { value: env.LOG_STREAM, enumerable: true },
  }) as NodeJS.ProcessEnv;
  try {
    return parse();
  } finally {
    process.env = env;
  }
}

/** The lexer's control tokens, which stand for no text of the source. */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f', '\uFEFF']);

/**
 * Offset of the first flow bracket (`[` or `{`) past `maxDepth` levels, or -1. The parser needs
 * tens of seconds for megabytes of nested brackets before it overflows; its lexer, iterative and
 * aware of quotes, comments and block scalars, finds them in milliseconds. A text with fewer
 * brackets than the limit cannot nest that deep, so most files skip the lexer.
 */
function flowDeeperThan(yaml: YamlApi, text: string, maxDepth: number): number {
  let brackets = 0;
  for (let i = 0; i < text.length && brackets <= maxDepth; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) brackets++;
  }
  if (brackets <= maxDepth) return -1;
  let depth = 0;
  let offset = 0;
  for (const token of new yaml.Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      if (++depth > maxDepth) return offset;
    } else if (token === ']' || token === '}') depth--;
    if (!CONTROL_TOKENS.has(token)) offset += token.length;
  }
  return -1;
}

const STACK_OVERFLOW = 'Maximum call stack size exceeded';

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes(STACK_OVERFLOW);
}

function tooDeepYaml(file: string, pos: { line: number; col: number } | null): StresslabError {
  const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
  return new StresslabError('BAD_SCENARIO', `${file} is nested too deeply`, {
    file,
    problems: [{ path: '', message: `${where}nested deeper than the limit of ${INPUT_LIMITS.maxDocumentDepth} levels`, hint: `keep objects and lists under ${INPUT_LIMITS.maxDocumentDepth} levels (request bodies under ${INPUT_LIMITS.maxBodyDepth})` }],
  });
}
