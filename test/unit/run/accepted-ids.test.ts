import { describe, expect, it } from 'vitest';
import { auditIntegrity } from '../../../harness/analysis/integrity.ts';
import type { Acceptance } from '../../../harness/analysis/integrity.ts';
import { AcceptedIdStore } from '../../../harness/run/accepted-ids.ts';

describe('AcceptedIdStore', () => {
  it('keeps distinct ids; a replayed key is one request, a second key or a keyless repeat is another', () => {
    const s = new AcceptedIdStore();
    s.add('x', 'k1');
    s.add('x', 'k1');
    s.add('y', 'k2');
    s.add('y', 'k3');
    s.add('z');
    s.add('z');
    s.add('w', null);
    s.add('w', 'k4');
    s.add('w', 'k4');
    expect(s.size).toBe(4);
    expect(s.acceptanceCount).toBe(9);
    expect([...s.ids()]).toEqual(['x', 'y', 'z', 'w']);
    expect(s.acceptances()).toEqual([
      { id: 'x', idempotencyKey: 'k1' },
      { id: 'y', idempotencyKey: 'k2' },
      { id: 'y', idempotencyKey: 'k3' },
      { id: 'z', idempotencyKey: null },
      { id: 'z', idempotencyKey: null },
      { id: 'w', idempotencyKey: null },
      { id: 'w', idempotencyKey: 'k4' },
    ]);
  });

  it('gives auditIntegrity the same verdict as the raw list of acceptances', () => {
    const raw: Acceptance[] = [];
    const s = new AcceptedIdStore();
    for (let i = 0; i < 2_000; i++) {
      const id = `id-${i % 700}`;
      const key = i % 5 === 0 ? null : `key-${i % 900}`;
      raw.push({ id, idempotencyKey: key });
      s.add(id, key);
    }
    const lookups = Object.fromEntries([...s.ids()].map((id, i) => [id, i % 50 === 0 ? null : { state: i % 7 === 0 ? 'running' : 'succeeded', effects: 1 }]));
    const terminal = ['succeeded'];
    expect(auditIntegrity(s.acceptances(), lookups, terminal)).toEqual(auditIntegrity(raw, lookups, terminal));
  });
});
