import type * as z from 'zod';
import type { InputProblem } from '../core/stresslab-error.ts';
import { formatJsonPath } from '../core/json-path.ts';
import { closestName } from '../core/closest-name.ts';

type Issue = z.core.$ZodIssue;

/** Turns zod issues into problems with a JSON path, a message a person understands and a hint. */
export function zodProblems(issues: readonly Issue[], input: unknown, knownKeys: readonly string[], base: readonly PropertyKey[] = []): InputProblem[] {
  return issues.flatMap((issue) => issueProblems(issue, input, knownKeys, base));
}

function issueProblems(issue: Issue, input: unknown, knownKeys: readonly string[], base: readonly PropertyKey[]): InputProblem[] {
  const path = [...base, ...issue.path];
  const at = formatJsonPath(path);
  switch (issue.code) {
    case 'invalid_key':
      return zodProblems(issue.issues, input, knownKeys, path);
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        path: formatJsonPath([...path, key]),
        message: `unknown key "${key}"`,
        hint: unknownKeyHint(key, knownKeys),
      }));
    case 'invalid_union':
      return unionProblems(issue, path, input, knownKeys);
    case 'invalid_type': {
      const got = valueAt(input, path);
      if (got === undefined) return [{ path: at, message: 'is required', hint: `add "${String(path.at(-1) ?? '')}" (${issue.expected})` }];
      return [{ path: at, message: `expected ${issue.expected}, got ${describeValue(got)}`, hint: `write a ${issue.expected} here` }];
    }
    case 'invalid_value':
      return [{ path: at, message: `${describeValue(valueAt(input, path))} is not allowed`, hint: `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'too_small':
      return [{ path: at, message: issue.message, hint: `use ${issue.origin === 'array' ? 'at least' : 'a value of at least'} ${String(issue.minimum)}${issue.origin === 'array' ? ' entries' : ''}` }];
    case 'too_big':
      return [{ path: at, message: issue.message, hint: `use ${issue.origin === 'array' ? 'at most' : 'a value of at most'} ${String(issue.maximum)}` }];
    case 'custom': {
      const hint = (issue.params as { hint?: unknown } | undefined)?.hint;
      return [{ path: at, message: issue.message, hint: typeof hint === 'string' ? hint : 'see scenarios/schema.json' }];
    }
    default:
      return [{ path: at, message: `${describeValue(valueAt(input, path))} ${issue.message}`, hint: 'see scenarios/schema.json for the allowed values' }];
  }
}

function unionProblems(issue: Extract<Issue, { code: 'invalid_union' }>, path: PropertyKey[], input: unknown, knownKeys: readonly string[]): InputProblem[] {
  const at = formatJsonPath(path);
  if ('discriminator' in issue && typeof issue.discriminator === 'string') {
    const options = (issue as { options?: readonly unknown[] }).options ?? [];
    const value = valueAt(input, path);
    const name = value === undefined ? `missing "${issue.discriminator}"` : `unknown ${issue.discriminator} ${describeValue(value)}`;
    const guess = typeof value === 'string' ? closestName(value, options.map(String)) : null;
    return [{ path: at, message: name, hint: `${guess ? `did you mean "${guess}"? ` : ''}use one of: ${options.map(String).join(', ')}` }];
  }
  // Keep the branch that got furthest (not merely the wrong type at the top): its problems are the useful ones.
  const branches = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (branches.length === 1 && branches[0]) return zodProblems(branches[0], input, knownKeys, path);
  return [{ path: at, message: `${describeValue(valueAt(input, path))} does not match any allowed form`, hint: 'see scenarios/schema.json for the allowed forms' }];
}

function unknownKeyHint(key: string, knownKeys: readonly string[]): string {
  const guess = closestName(key, knownKeys);
  return guess ? `did you mean "${guess}"? Otherwise remove it` : 'remove it or fix its spelling (see scenarios/schema.json)';
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
