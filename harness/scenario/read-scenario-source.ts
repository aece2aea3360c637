import { StresslabError } from '../core/stresslab-error.ts';
import { INPUT_LIMITS } from './input-limits.ts';
import { formatOf, parseSource } from './parse-source.ts';
import { readInputFile } from './read-input-file.ts';
import { presetNames, resolveScenarioFile } from './scenario-files.ts';

/**
 * A preset name or a scenario file, found, read within the size limit and parsed (JSON or YAML),
 * nothing checked yet: load-scenario.ts checks it against the schema, `list` only reads its
 * description. Unreadable or unparsable input is BAD_SCENARIO with the file and a fix.
 */
export async function readScenarioSource(fileOrName: string, cwd: string): Promise<{ raw: unknown; file: string }> {
  const file = resolveScenarioFile(fileOrName, cwd);
  if (file === null) {
    const presets = await presetNames();
    throw new StresslabError('BAD_SCENARIO', `no scenario file or preset named "${fileOrName}"`, {
      hint: `give a path to a .json/.yaml file, or a preset: ${presets.join(', ')}`,
    });
  }
  const read = await readInputFile(file, INPUT_LIMITS.maxScenarioBytes);
  if (!read.ok) throw new StresslabError('BAD_SCENARIO', `cannot read scenario: ${read.message}`, { file, hint: read.hint });
  return { raw: await parseSource(read.text, file, formatOf(file)), file };
}
