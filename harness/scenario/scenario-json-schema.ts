import * as z from 'zod';
import { scenarioSchema } from './scenario-schema.ts';

/** scenarios/schema.json: the input side of the zod schema (defaults shown, defaulted fields optional). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12', reused: 'ref' }) as Record<string, unknown>;
}

/** The text committed as scenarios/schema.json. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

let keys: readonly string[] | undefined;

/** Every property name the schema knows, for "did you mean" hints on unknown keys. */
export function knownScenarioKeys(): readonly string[] {
  keys ??= [...collectKeys(scenarioJsonSchema(), new Set<string>())];
  return keys;
}

function collectKeys(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) collectKeys(n, into);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v !== null && typeof v === 'object') for (const name of Object.keys(v)) into.add(name);
      collectKeys(v, into);
    }
  }
  return into;
}
