import { describe, expect, it } from 'vitest';
import { StresslabError } from '../../../harness/core/stresslab-error.ts';
import {
  assertAllowedTargets,
  checkAllowedTargets,
  confirmNonLoopback,
  guardTargets,
  isLoopbackHost,
  nonLoopbackHosts,
} from '../../../harness/run/target-guard.ts';

const io = () => {
  const lines: string[] = [];
  return { lines, err: (t: string) => void lines.push(t) };
};
const refusal = async (p: Promise<unknown>): Promise<StresslabError> => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(StresslabError);
  return e as StresslabError;
};

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '[::ffff:7f00:1]'])(
    '%s is loopback',
    (h) => expect(isLoopbackHost(h)).toBe(true),
  );
  it.each(['10.0.0.1', '128.0.0.1', '0.0.0.0', '::', '::2', '::ffff:10.0.0.1', 'toxiproxy', 'localhost.example.com', '127.0.0.1.nip.io', ''])(
    '%s is not',
    (h) => expect(isLoopbackHost(h)).toBe(false),
  );
});

describe('checkAllowedTargets', () => {
  it('passes loopback and "embedded" without an allow-list', () => {
    expect(checkAllowedTargets({ urls: ['http://127.0.0.1:8080', 'http://[::1]:8474', 'http://localhost', 'embedded'], allowTargets: [] })).toEqual({ ok: true });
  });

  it('names each refused host once', () => {
    expect(checkAllowedTargets({ urls: ['http://toxiproxy:8666', 'http://toxiproxy:8474', 'https://api.example.com'], allowTargets: [] })).toEqual({
      ok: false,
      hosts: ['toxiproxy', 'api.example.com'],
    });
  });

  it('matches hosts, host:port, *.domain and URL prefixes', () => {
    const ok = (url: string, allow: string) => checkAllowedTargets({ urls: [url], allowTargets: [allow] }).ok;
    expect(ok('http://Staging.Example.com/v1', 'staging.example.com')).toBe(true);
    expect(ok('http://staging.example.com:8080', 'staging.example.com:8080')).toBe(true);
    expect(ok('http://staging.example.com:9090', 'staging.example.com:8080')).toBe(false);
    expect(ok('https://staging.example.com', 'staging.example.com:443')).toBe(true);
    expect(ok('http://a.staging.example.com', '*.staging.example.com')).toBe(true);
    expect(ok('http://staging.example.com.evil.net', '*.staging.example.com')).toBe(false);
    expect(ok('https://u:p@api.example.com/svc/v1', 'https://api.example.com/svc')).toBe(true);
    expect(ok('https://api.example.com/other', 'https://api.example.com/svc')).toBe(false);
    expect(ok('https://api.example.com.evil.net/', 'https://api.example.com')).toBe(false);
    expect(ok('http://10.0.0.5:8080', '10.0.0.5')).toBe(true);
    expect(ok('http://[2001:db8::1]:8080', '2001:db8::1')).toBe(true);
  });

  it('assertAllowedTargets throws BAD_USAGE (exit 2) with the flag to add', () => {
    try {
      assertAllowedTargets({ urls: ['http://db.prod:5432'], allowTargets: ['staging'] });
      expect.unreachable();
    } catch (e) {
      const err = e as StresslabError;
      expect(err.code).toBe('BAD_USAGE');
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain('db.prod');
      expect(err.hint).toContain('--allow-target db.prod');
    }
  });
});

describe('confirmNonLoopback', () => {
  const never = async (): Promise<string> => {
    throw new Error('must not ask');
  };

  it('needs nothing for loopback-only runs', async () => {
    await confirmNonLoopback(io(), nonLoopbackHosts(['http://127.0.0.1:1']), { yes: false, isTTY: false, ask: never });
  });

  it('accepts --yes and says so', async () => {
    const out = io();
    await confirmNonLoopback(out, ['staging'], { yes: true, isTTY: false, ask: never });
    expect(out.lines.join('')).toContain('staging');
  });

  it('refuses without a terminal and without --yes', async () => {
    const e = await refusal(confirmNonLoopback(io(), ['staging'], { yes: false, isTTY: false, ask: never }));
    expect(e.exitCode).toBe(2);
    expect(e.hint).toContain('--yes');
  });

  it('asks on a terminal: y goes ahead, anything else refuses', async () => {
    const questions: string[] = [];
    const answer = (a: string) => async (q: string) => {
      questions.push(q);
      return a;
    };
    await confirmNonLoopback(io(), ['staging'], { yes: false, isTTY: true, ask: answer('y') });
    await confirmNonLoopback(io(), ['staging'], { yes: false, isTTY: true, ask: answer(' YES \n') });
    expect(questions[0]).toMatch(/staging.*\[y\/N\]/);
    for (const a of ['', 'n', 'no', 'yy']) {
      const e = await refusal(confirmNonLoopback(io(), ['staging'], { yes: false, isTTY: true, ask: answer(a) }));
      expect(e.code).toBe('BAD_USAGE');
    }
  });
});

describe('guardTargets', () => {
  it('refuses an unlisted host before asking anything', async () => {
    const e = await refusal(
      guardTargets(io(), { urls: ['http://prod-db:5432'], allowTargets: [], yes: false, isTTY: true, ask: async () => 'y' }),
    );
    expect(e.message).toContain('not allowed');
  });

  it('asks about the allowed non-loopback hosts only', async () => {
    let asked = '';
    await guardTargets(io(), {
      urls: ['http://127.0.0.1:8080', 'http://toxiproxy:8474'],
      allowTargets: ['toxiproxy'],
      yes: false,
      isTTY: true,
      ask: async (q) => {
        asked = q;
        return 'y';
      },
    });
    expect(asked).toContain('toxiproxy');
    expect(asked).not.toContain('127.0.0.1');
  });
});
