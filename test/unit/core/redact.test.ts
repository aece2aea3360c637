import { describe, expect, it } from 'vitest';
import { REDACTED, collectSecrets, redactHeaders, redactText, redactUrl } from '../../../harness/core/redact.ts';

describe('redactUrl', () => {
  it('replaces user-info and keeps the rest byte for byte', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db.internal:5432/app?sslmode=require')).toBe('postgres://***@db.internal:5432/app?sslmode=require');
    expect(redactUrl('https://token@api.example.com')).toBe('https://***@api.example.com');
    expect(redactUrl('http://127.0.0.1:8080/v1')).toBe('http://127.0.0.1:8080/v1');
  });

  it('replaces the values of credential query parameters only', () => {
    expect(redactUrl('https://h/x?api_key=abc&page=2&access_token=t0k#frag')).toBe('https://h/x?api_key=***&page=2&access_token=***#frag');
    expect(redactUrl('https://h/x?Password=a%20b&q=password')).toBe('https://h/x?Password=***&q=password');
  });

  it('leaves an @ in the path alone', () => {
    expect(redactUrl('https://h/users/@me')).toBe('https://h/users/@me');
  });
});

describe('redactHeaders', () => {
  it('redacts credential headers, whatever their case, and keeps the others', () => {
    const out = redactHeaders({
      Authorization: 'Bearer abc',
      cookie: 'sid=1',
      'X-Api-Key': 'k',
      'X-Auth-Token': 't',
      'X-Client-Secret': 's',
      'Idempotency-Key': '{{uuid}}',
      'Content-Type': 'application/json',
      'Set-Cookie': ['a=1', 'b=2'],
    });
    expect(out).toEqual({
      Authorization: REDACTED,
      cookie: REDACTED,
      'X-Api-Key': REDACTED,
      'X-Auth-Token': REDACTED,
      'X-Client-Secret': REDACTED,
      'Idempotency-Key': '{{uuid}}',
      'Content-Type': 'application/json',
      'Set-Cookie': REDACTED,
    });
  });
});

describe('redactText', () => {
  it('redacts URLs inside text and every known secret, also percent-encoded', () => {
    const text = 'connect postgres://u:p%40ss@db:5432/x failed; retry with token abcd1234 (p@ss)';
    expect(redactText(text, ['abcd1234', 'p@ss'])).toBe('connect postgres://***@db:5432/x failed; retry with token *** (***)');
  });

  it('replaces a longer secret whole when it contains a shorter one', () => {
    expect(redactText('key=supersecret', ['secret', 'supersecret'])).toBe('key=***');
  });

  it('ignores secrets too short to replace safely', () => {
    expect(redactText('a b c', ['a', ''])).toBe('a b c');
  });
});

describe('collectSecrets', () => {
  it('finds passwords in URLs and credentials in headers, bearer tokens also bare', () => {
    const secrets = collectSecrets({
      urls: ['postgres://app:p%40ssw0rd@db/x', 'https://h/?api_key=KEY123', 'http://127.0.0.1:8080'],
      headers: { Authorization: 'Bearer tok-9876', Accept: 'text/plain' },
    });
    expect(secrets.sort()).toEqual(['Bearer tok-9876', 'KEY123', 'p@ssw0rd', 'tok-9876'].sort());
    const log = 'auth failed for tok-9876 on postgres://app:p%40ssw0rd@db/x';
    expect(redactText(log, secrets)).toBe('auth failed for *** on postgres://***@db/x');
  });
});
