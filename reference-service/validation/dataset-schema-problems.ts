import type { DatasetSchema } from './validation-types.ts';

export interface SchemaProblem {
  /** JSON pointer into the request body. */
  path: string;
  message: string;
}

/** Cross-field rules a JSON schema cannot express: names must be unique and every reference must exist. */
export function datasetSchemaProblems(schema: DatasetSchema, basePath = '/schema'): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const names = new Set<string>();
  schema.columns.forEach((c, i) => {
    if (names.has(c.name)) problems.push({ path: `${basePath}/columns/${i}/name`, message: `duplicate column "${c.name}"` });
    names.add(c.name);
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      problems.push({ path: `${basePath}/columns/${i}/min`, message: 'must not be greater than max' });
    }
  });
  (schema.key ?? []).forEach((k, i) => {
    if (!names.has(k)) problems.push({ path: `${basePath}/key/${i}`, message: `unknown column "${k}"` });
  });
  (schema.references ?? []).forEach((r, i) => {
    if (!names.has(r.column)) {
      problems.push({ path: `${basePath}/references/${i}/column`, message: `unknown column "${r.column}"` });
    }
  });
  return problems;
}
