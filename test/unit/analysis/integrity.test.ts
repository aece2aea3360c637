import { describe, expect, it } from 'vitest';
import { auditIntegrity } from '../../../harness/analysis/integrity.ts';
import type { Acceptance, LookupRecord } from '../../../harness/analysis/integrity.ts';

const terminal = ['succeeded', 'dead_lettered'];

describe('auditIntegrity', () => {
  it('classifies accepted ids as terminal, stuck or lost', () => {
    const acceptances: Acceptance[] = [
      { id: 'a', idempotencyKey: 'k1' },
      { id: 'b', idempotencyKey: 'k2' },
      { id: 'c', idempotencyKey: 'k3' },
      { id: 'd', idempotencyKey: 'k4' },
      { id: 'e', idempotencyKey: 'k5' },
    ];
    const lookups: Record<string, LookupRecord | null> = {
      a: { state: 'succeeded', attempts: 1, effects: 1 },
      b: { state: 'dead_lettered', attempts: 5, effects: 0 },
      c: { state: 'running', attempts: 2, effects: 0 },
      d: null,
      // e is absent from the lookup answer: lost as well
    };
    const audit = auditIntegrity(acceptances, lookups, terminal);
    expect(audit.integrity).toEqual({ status: 'complete', reason: null, accepted: 5, terminal: 2, lost: 2, stuck: 1, duplicated: 0 });
    expect(audit.lostIds).toEqual(['d', 'e']);
    expect(audit.stuckIds).toEqual(['c']);
    expect(audit.states).toEqual({ succeeded: 1, dead_lettered: 1, running: 1 });
  });

  it('counts an idempotent replay once and two keys merged into one id as duplicated', () => {
    const acceptances: Acceptance[] = [
      { id: 'a', idempotencyKey: 'k1' },
      { id: 'a', idempotencyKey: 'k1' },
      { id: 'b', idempotencyKey: 'k2' },
      { id: 'b', idempotencyKey: 'k3' },
      { id: 'c', idempotencyKey: null },
      { id: 'c', idempotencyKey: null },
    ];
    const ok = { state: 'succeeded', effects: 1 };
    const audit = auditIntegrity(acceptances, { a: ok, b: ok, c: ok }, terminal);
    expect(audit.integrity).toMatchObject({ accepted: 3, terminal: 3, duplicated: 2 });
    expect(audit.duplicatedIds).toEqual(['b', 'c']);
  });

  it('flags an effect applied twice', () => {
    const audit = auditIntegrity([{ id: 'x', idempotencyKey: 'k' }], { x: { state: 'succeeded', effects: 2 } }, terminal);
    expect(audit.integrity.duplicated).toBe(1);
  });

  it('lists at most the first 100 ids of a class but counts all', () => {
    const acceptances = Array.from({ length: 250 }, (_, i) => ({ id: `id-${i}`, idempotencyKey: `k-${i}` }));
    const audit = auditIntegrity(acceptances, {}, terminal);
    expect(audit.integrity.lost).toBe(250);
    expect(audit.lostIds).toHaveLength(100);
    expect(audit.lostIds[0]).toBe('id-0');
  });

  it('does not treat inherited object keys as lookups', () => {
    const audit = auditIntegrity([{ id: 'constructor', idempotencyKey: 'k' }], {}, terminal);
    expect(audit.integrity.lost).toBe(1);
  });
});
