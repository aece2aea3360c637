/** Regenerates scenarios/schema.json from the zod schema: `node --import tsx harness/scenario/write-json-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchemaText } from './scenario-json-schema.ts';
import { SCHEMA_FILE } from './scenario-files.ts';

writeFileSync(SCHEMA_FILE, scenarioJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
