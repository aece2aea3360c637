import { parseDocument } from 'yaml';
import { StresslabError } from '../core/stresslab-error.ts';
import { jsonErrorPosition } from './json-syntax-error.ts';

/** Parses a scenario (or JSON body file) text; syntax errors become BAD_SCENARIO with line and column. */
export function parseSource(text: string, file: string, format: 'json' | 'yaml'): unknown {
  return format === 'json' ? parseJson(text, file) : parseYaml(text, file);
}

export function formatOf(file: string): 'json' | 'yaml' {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const { line, column } = jsonErrorPosition(text);
    const detail = e instanceof Error ? e.message.replace(/,? ".*" is not valid JSON$/s, '') : 'syntax error';
    throw new StresslabError('BAD_SCENARIO', `invalid JSON in ${file}`, {
      file,
      problems: [{ path: '', message: `line ${line}, column ${column}: ${detail}`, hint: 'fix the JSON syntax (a trailing comma or a missing quote is the usual cause)' }],
    });
  }
}

function parseYaml(text: string, file: string): unknown {
  // The document API reports every error with its position instead of throwing on the first.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
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
    throw new StresslabError('BAD_SCENARIO', `invalid YAML in ${file}`, {
      file,
      problems: [{ path: '', message: e instanceof Error ? e.message : String(e), hint: 'avoid deeply nested aliases' }],
    });
  }
}
