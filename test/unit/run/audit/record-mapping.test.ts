import { describe, expect, it } from 'vitest';
import { readJsonPathValue } from '../../../../harness/core/json-path.ts';
import { idText, readRecord } from '../../../../harness/run/audit/record-mapping.ts';

describe('readJsonPathValue', () => {
  it('walks objects and arrays; "" is the value itself; names the first missing step', () => {
    const body = { data: { items: [{ status: 'done' }] }, 'x.y': 1 };
    expect(readJsonPathValue(body, 'data.items.0.status')).toEqual({ found: true, value: 'done' });
    expect(readJsonPathValue(body, '')).toEqual({ found: true, value: body });
    expect(readJsonPathValue(body, 'data.jobs.0')).toEqual({ found: false, missingAt: 'data.jobs' });
    expect(readJsonPathValue(body, 'data.items.3.status')).toEqual({ found: false, missingAt: 'data.items[3]' });
    expect(readJsonPathValue(body, 'data.items.0.status.code')).toEqual({ found: false, missingAt: 'data.items[0].status.code' });
    expect(readJsonPathValue(null, 'a')).toEqual({ found: false, missingAt: 'a' });
    // Inherited properties are not fields of the answer.
    expect(readJsonPathValue({}, 'constructor')).toEqual({ found: false, missingAt: 'constructor' });
  });
});

describe('readRecord', () => {
  const mapping = { state: 'job.status', attempts: 'job.tries', effects: 'effects' };
  it('reads state, attempts and effects at their paths; numeric text and numbers as the records hold them', () => {
    expect(readRecord({ job: { status: 'done', tries: '3' }, effects: 1 }, mapping, 'items[0]')).toEqual({ state: 'done', attempts: 3, effects: 1 });
    expect(readRecord({ job: { status: 4 } }, mapping, '')).toEqual({ state: '4' });
    expect(readRecord({ job: { status: 'done', tries: null } }, mapping, '')).toEqual({ state: 'done' });
  });
  it('a miss names the full path and what was wrong', () => {
    expect(readRecord({ job: {} }, mapping, 'items[2]')).toEqual({ path: 'items[2].job.status', problem: 'is missing' });
    expect(readRecord({ job: { status: '' } }, mapping, '')).toEqual({ path: 'job.status', problem: 'must be a non-empty string, got ""' });
    expect(readRecord({ job: { status: 'done', tries: -1 } }, mapping, 'row 3')).toEqual({ path: 'row 3.job.tries', problem: 'must be a non-negative integer, got -1' });
    expect(readRecord({ job: { status: 'done' }, effects: 1.5 }, mapping, '')).toMatchObject({ path: 'effects' });
  });
  it('ids: strings and integers as text, nothing else', () => {
    expect([idText('a'), idText(42), idText(10n), idText(''), idText(1.5), idText(null)]).toEqual(['a', '42', '10', null, null, null]);
  });
});
