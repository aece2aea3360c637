import { closestName } from '../../core/closest-name.ts';
import { StresslabError } from '../../core/stresslab-error.ts';
import { openMetricsOutput } from './openmetrics-output.ts';
import type { OutputKind, OutputKindName, OutputTarget } from './output-target.ts';
import { prometheusRwOutput } from './prometheus-rw-output.ts';

/** The output kinds of `--output kind=destination`, one per file. */
export const OUTPUT_KINDS: { [K in OutputKindName]: OutputKind<K> } = {
  'prometheus-rw': prometheusRwOutput,
  openmetrics: openMetricsOutput,
};

const NAMES = Object.keys(OUTPUT_KINDS) as OutputKindName[];

function isKind(name: string): name is OutputKindName {
  return Object.hasOwn(OUTPUT_KINDS, name);
}

/** The `--output` values parsed and checked, before anything runs; bad ones throw BAD_USAGE (exit 2) naming the flag and the fix. */
export async function parseOutputs(values: readonly string[], context: { flag: string; cwd: string }): Promise<OutputTarget[]> {
  const out: OutputTarget[] = [];
  const usages = NAMES.map((k) => `${context.flag} ${OUTPUT_KINDS[k].example}`).join(' or ');
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq < 0 ? value : value.slice(0, eq);
    if (!isKind(name)) {
      // `prom` or `prometheus` for prometheus-rw: a prefix is as likely a slip as a typo.
      const near = NAMES.find((n) => name.length >= 3 && n.startsWith(name.toLowerCase())) ?? closestName(name, NAMES);
      throw new StresslabError('BAD_USAGE', `${context.flag} ${JSON.stringify(value)}: unknown output kind "${name}"${near === null ? '' : ` (did you mean "${near}"?)`}; kinds: ${NAMES.join(', ')}`, {
        hint: `give kind=destination, e.g. ${usages}`,
      });
    }
    if (eq < 0 || value.slice(eq + 1).trim() === '') {
      throw new StresslabError('BAD_USAGE', `${context.flag} ${JSON.stringify(value)}: missing the destination`, { hint: `e.g. ${context.flag} ${OUTPUT_KINDS[name].example}` });
    }
    out.push(await parseOne(name, value.slice(eq + 1).trim(), context));
  }
  return out;
}

function parseOne(name: OutputKindName, destination: string, context: { flag: string; cwd: string }): Promise<OutputTarget> {
  switch (name) {
    case 'prometheus-rw':
      return OUTPUT_KINDS[name].parse(destination, context);
    case 'openmetrics':
      return OUTPUT_KINDS[name].parse(destination, context);
  }
}
