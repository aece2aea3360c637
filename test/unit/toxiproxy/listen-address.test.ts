import { describe, expect, it } from 'vitest';
import { bindAddress, formatAddress, resolvedListen, splitHostPort } from '../../../harness/toxiproxy/listen-address.ts';

describe('splitHostPort', () => {
  it('splits host and port like Go, with brackets for IPv6 and an optional host', () => {
    expect(splitHostPort('127.0.0.1:8474')).toEqual({ host: '127.0.0.1', port: 8474 });
    expect(splitHostPort('[::1]:80')).toEqual({ host: '::1', port: 80 });
    expect(splitHostPort(':0')).toEqual({ host: '', port: 0 });
    expect(splitHostPort('localhost:')).toEqual({ host: 'localhost', port: 0 });
  });

  it('rejects addresses Go rejects, with Go’s messages', () => {
    expect(() => splitHostPort('local373')).toThrow('address local373: missing port in address');
    expect(() => splitHostPort('::1:80')).toThrow('address ::1:80: too many colons in address');
    expect(() => splitHostPort('host:http')).toThrow('lookup tcp/http: unknown port');
    expect(() => splitHostPort('host:70000')).toThrow('lookup tcp/70000: unknown port');
  });
});

describe('addresses', () => {
  it('formats IPv6 in brackets', () => {
    expect(formatAddress('::', 5)).toBe('[::]:5');
    expect(formatAddress('10.0.0.1', 5)).toBe('10.0.0.1:5');
  });

  it('resolves hostnames preferring IPv4, as Go’s ResolveTCPAddr prints them', async () => {
    expect(await resolvedListen('localhost:7070')).toBe('127.0.0.1:7070');
    expect(await resolvedListen('127.0.0.1:0')).toBe('127.0.0.1:0');
    expect(await resolvedListen(':8080')).toBe(':8080');
    expect(await bindAddress(':8080')).toEqual({ host: '::', port: 8080 });
  });
});
