import type { ToxicDefinition } from './toxic-definition.ts';

/** A numeric attribute of a toxic as stored (0 when absent: Go's zero value). */
export function num(toxic: ToxicDefinition, field: string): number {
  const value = toxic.attributes[field];
  return typeof value === 'number' ? value : 0;
}

/** A text attribute of a toxic as stored ('' when absent: Go's zero value). */
export function text(toxic: ToxicDefinition, field: string): string {
  const value = toxic.attributes[field];
  return typeof value === 'string' ? value : '';
}
