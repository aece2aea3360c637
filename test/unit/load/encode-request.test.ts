import { describe, expect, it } from 'vitest';
import { EncodedRequests, encodeRequest } from '../../../harness/load/encode-request.ts';
import type { PreparedRequest } from '../../../harness/load/engine.ts';

const base: PreparedRequest = { name: 'x', method: 'GET', path: '/v1/x?y=1', headers: {}, body: undefined, expectedStatuses: undefined };

describe('encodeRequest', () => {
  it('writes a keep-alive HTTP/1.1 request with Host', () => {
    expect(encodeRequest(base, '', '127.0.0.1:8080').toString()).toBe('GET /v1/x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\n\r\n');
  });

  it('adds Content-Length in bytes (UTF-8) and the base path; a given Host wins', () => {
    const req: PreparedRequest = { ...base, method: 'POST', headers: { Host: 'example', 'content-type': 'application/json' }, body: '{"a":"é"}' };
    const text = encodeRequest(req, '/api', 'ignored:1').toString();
    expect(text).toBe('POST /api/v1/x?y=1 HTTP/1.1\r\nHost: example\r\ncontent-type: application/json\r\nConnection: keep-alive\r\nContent-Length: 10\r\n\r\n{"a":"é"}');
  });
});

describe('EncodedRequests', () => {
  it('encodes a constant request once and a per-send request every time', () => {
    const enc = new EncodedRequests('', 'h:1');
    const fixed: PreparedRequest = { ...base, constant: true };
    expect(enc.bytesOf(fixed)).toBe(enc.bytesOf(fixed));
    const fresh: PreparedRequest = { ...base };
    const first = enc.bytesOf(fresh);
    expect(enc.bytesOf(fresh)).not.toBe(first);
    expect(enc.bytesOf(fresh).equals(first)).toBe(true);
  });
});
