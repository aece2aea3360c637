import { describe, expect, it } from 'vitest';
import { classifyError, isExpectedStatus, RequestTimeoutError } from '../../../harness/load/error-kind.ts';

function coded(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['HPE_INVALID_CONSTANT', 'other'],
    ['ENOTFOUND', 'other'],
  ])('%s → %s', (code, kind) => {
    expect(classifyError(coded(code))).toBe(kind);
  });

  it('looks through cause chains and knows our own timeout', () => {
    expect(classifyError(new Error('fetch failed', { cause: coded('ECONNREFUSED') }))).toBe('refused');
    expect(classifyError(new RequestTimeoutError('gave up'))).toBe('timeout');
    expect(classifyError('a string')).toBe('other');
    expect(classifyError(null)).toBe('other');
  });
});

describe('isExpectedStatus', () => {
  it("uses k6's 200–399 by default and the declared list otherwise", () => {
    expect([199, 200, 302, 399, 400, 503].map((s) => isExpectedStatus(s, undefined))).toEqual([false, true, true, true, false, false]);
    expect(isExpectedStatus(503, [503])).toBe(true);
    expect(isExpectedStatus(200, [201])).toBe(false);
  });
});
