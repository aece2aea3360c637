import { describe, expect, it } from 'vitest';
import { formatDuration, parseDurationMs } from '../../../harness/core/duration.ts';
import { parseAbortCondition } from '../../../harness/core/abort-condition.ts';

describe('durations', () => {
  it('parse k6/Go duration strings to ms', () => {
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('30s')).toBe(30_000);
    expect(parseDurationMs('1m30s')).toBe(90_000);
    expect(parseDurationMs('1.5h')).toBe(5_400_000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs('1h2m3s4ms')).toBe(3_723_004);
    for (const bad of ['', '10', '1 m', '-1s', '1d', 's', '1m30']) expect(parseDurationMs(bad), bad).toBeNull();
  });

  it('format round-trips', () => {
    for (const ms of [0, 1, 999, 1000, 90_000, 86_400_000, 3_723_004]) expect(parseDurationMs(formatDuration(ms))).toBe(ms);
    expect(formatDuration(90_000)).toBe('1m30s');
  });
});

describe('abort conditions', () => {
  it('parse "<expr> for <duration>" into a typed form', () => {
    const parsed = parseAbortCondition('http_req_failed{phase:steady}', 'rate>0.5 for 30s');
    expect(parsed).toEqual({
      ok: true,
      value: {
        metric: { source: 'http_req_failed{phase:steady}', metric: 'http_req_failed', tags: { phase: 'steady' } },
        expression: { source: 'rate>0.5', aggregation: { kind: 'rate' }, op: '>', value: 0.5 },
        forMs: 30_000,
        reading: 'http_req_failed:rate',
        phase: 'steady',
        source: 'rate>0.5 for 30s',
      },
    });
    const once = parseAbortCondition('http_req_duration', 'p(95)>2000');
    expect(once.ok && once.value.forMs).toBe(0);
    expect(parseAbortCondition('http_req_failed', 'rate>>1 for 3s').ok).toBe(false);
  });
});
