import { describe, expect, it } from 'vitest';
import { requestId } from '../../../harness/toxiproxy/request-id.ts';

describe('requestId', () => {
  it('is a 20-character base32hex xid, unique, and sorts by time', () => {
    const ids = Array.from({ length: 100 }, () => requestId(1_700_000_000_000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-v]{20}$/);
    expect(new Set(ids).size).toBe(100);
    expect(requestId(1_700_000_000_000) < requestId(1_800_000_000_000)).toBe(true);
  });
});
