import { describe, expect, it } from 'vitest';
import { parseToxicCreate, toxicJson } from '../../../harness/toxiproxy/toxic-definition.ts';

const free = () => false;

describe('http_* toxic definitions', () => {
  it('default every attribute and keep the Toxiproxy toxic shape', () => {
    expect(toxicJson(parseToxicCreate({ type: 'http_status' }, free))).toEqual({
      attributes: { method: '', path: '', header: '', status: 503, body: '', headers: '', count: 0, after: 0 },
      name: 'http_status_downstream',
      type: 'http_status',
      stream: 'downstream',
      toxicity: 1,
    });
    expect(parseToxicCreate({ type: 'http_delay', attributes: { latency: 5 } }, free).attributes).toEqual({
      method: '', path: '', header: '', latency: 5, trickle: 0, count: 0, after: 0,
    });
    expect(parseToxicCreate({ type: 'http_abort' }, free).attributes).toEqual({ method: '', path: '', header: '', bytes: 0, count: 0, after: 0 });
    expect(parseToxicCreate({ type: 'http_truncate', attributes: { bytes: 10 } }, free).attributes.bytes).toBe(10);
  });

  it('accept good attributes', () => {
    const t = parseToxicCreate(
      { type: 'http_status', attributes: { method: 'POST', path: '^/v1/executions$', header: 'X-Tenant: ^a', status: 429, headers: 'Retry-After: 2\nX-A: b' } },
      free,
    );
    expect(t.attributes.status).toBe(429);
  });

  it('refuse a bad regex, a status outside 200–599, bad header lines, negative numbers (400)', () => {
    const bad = (type: string, attributes: object, message: string | RegExp) => {
      let error: unknown;
      try {
        parseToxicCreate({ type, attributes }, free);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ status: 400 });
      expect((error as Error).message).toMatch(message);
    };
    bad('http_status', { path: '[' }, /invalid path regex "\["/);
    bad('http_delay', { header: 'X-A: (' }, /invalid header regex/);
    bad('http_abort', { header: 'no colon' }, /invalid header "no colon"/);
    bad('http_abort', { header: 'Bad Name: x' }, /invalid header/);
    bad('http_status', { method: 'GE T' }, /invalid method/);
    bad('http_status', { status: 600 }, /invalid status 600/);
    bad('http_status', { status: 99 }, /invalid status 99/);
    bad('http_status', { status: 100 }, /invalid status 100/);
    bad('http_status', { headers: 'Retry-After 2' }, /invalid headers line/);
    bad('http_status', { headers: 'Retry-After: 2\n: x' }, /invalid headers line/);
    bad('http_status', { headers: 'Content-Length: 5' }, /must not set Content-Length/);
    bad('http_status', { count: -1 }, /must not be negative/);
    bad('http_delay', { trickle: -5 }, /trickle must not be negative/);
    bad('http_truncate', { bytes: -1 }, /bytes must not be negative/);
    expect(() => parseToxicCreate({ type: 'http_status', attributes: { body: 5 } }, free)).toThrow(
      'json: cannot unmarshal number into Go struct field HttpStatusToxic.body of type string',
    );
  });
});
