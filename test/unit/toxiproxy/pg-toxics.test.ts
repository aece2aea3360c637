import { describe, expect, it } from 'vitest';
import { createRng } from '../../../harness/core/seeded-rng.ts';
import { ProtocolFaultCounters } from '../../../harness/toxiproxy/protocol-fault-counters.ts';
import { raiseStatement } from '../../../harness/toxiproxy/postgres/pg-fault-sql.ts';
import { statementMatcher } from '../../../harness/toxiproxy/postgres/pg-statement.ts';
import { applyToxicUpdate, parseToxicCreate, toxicJson } from '../../../harness/toxiproxy/toxic-definition.ts';

const free = () => false;

describe('pg_* toxic definitions', () => {
  it('default every attribute (SQLSTATEs included) and keep the Toxiproxy toxic shape', () => {
    expect(toxicJson(parseToxicCreate({ type: 'pg_error' }, free))).toEqual({
      attributes: { match: '', sqlstate: '40001', message: '', count: 0, after: 0 },
      name: 'pg_error_downstream',
      type: 'pg_error',
      stream: 'downstream',
      toxicity: 1,
    });
    expect(parseToxicCreate({ type: 'pg_reject_connect' }, free).attributes).toEqual({ sqlstate: '53300', message: '', count: 0, after: 0 });
    expect(parseToxicCreate({ type: 'pg_delay', attributes: { latency: 5 } }, free).attributes).toEqual({ match: '', latency: 5, count: 0, after: 0 });
    expect(parseToxicCreate({ type: 'pg_drop_in_transaction' }, free).attributes).toEqual({ after: 0, count: 0, match: '', autocommit: 0 });
  });

  it('decode string attributes with Go’s type errors, and refuse what cannot work', () => {
    expect(() => parseToxicCreate({ type: 'pg_error', attributes: { match: 5 } }, free)).toThrow(
      'json: cannot unmarshal number into Go struct field PgErrorToxic.match of type string',
    );
    expect(() => parseToxicCreate({ type: 'pg_error', attributes: { match: '[' } }, free)).toThrow('invalid match "["');
    expect(() => parseToxicCreate({ type: 'pg_error', attributes: { sqlstate: '4001' } }, free)).toThrow('invalid sqlstate');
    expect(() => parseToxicCreate({ type: 'pg_reject_connect', attributes: { sqlstate: '40001' } }, free)).toThrow('not a connection error');
    expect(() => parseToxicCreate({ type: 'pg_delay', attributes: { count: -1 } }, free)).toThrow('must not be negative');
  });

  it('merge updates over the current attributes and validate the result', () => {
    const current = parseToxicCreate({ type: 'pg_error', attributes: { match: 'UPDATE', count: 2 } }, free);
    expect(applyToxicUpdate(current, { attributes: { sqlstate: '40P01' } }).attributes).toEqual({
      match: 'UPDATE',
      sqlstate: '40P01',
      message: '',
      count: 2,
      after: 0,
    });
    expect(() => applyToxicUpdate(current, { attributes: { match: '(' } })).toThrow('invalid match');
  });

  it('echo ttl as an attribute only when set', () => {
    expect(toxicJson(parseToxicCreate({ type: 'latency', attributes: { latency: 1, ttl: 500 } }, free)).attributes).toEqual({
      latency: 1,
      jitter: 0,
      ttl: 500,
    });
    expect(toxicJson(parseToxicCreate({ type: 'latency', ttl: 0 }, free)).attributes).toEqual({ latency: 0, jitter: 0 });
  });
});

describe('statementMatcher', () => {
  it('COMMIT selects COMMIT or END of an open transaction block only', () => {
    const commit = statementMatcher('commit');
    expect(commit('COMMIT', 'T')).toBe(true);
    expect(commit(' end transaction; ', 'T')).toBe(true);
    expect(commit('COMMIT', 'I')).toBe(false);
    expect(commit('COMMIT PREPARED \'x\'', 'T')).toBe(false);
    expect(commit('SELECT 1', 'T')).toBe(false);
  });

  it('a regex is case-insensitive; empty selects everything; ROLLBACK is never selected', () => {
    expect(statementMatcher('^update')('UPDATE t SET a = 1', 'I')).toBe(true);
    expect(statementMatcher('^update')('SELECT 1', 'I')).toBe(false);
    expect(statementMatcher('')('BEGIN', 'I')).toBe(true);
    expect(statementMatcher('')('rollback', 'E')).toBe(false);
    expect(statementMatcher('.*')('ABORT', 'T')).toBe(false);
  });
});

describe('raiseStatement', () => {
  it('quotes the message and picks a dollar tag the message does not contain', () => {
    expect(raiseStatement('40001', "it's")).toBe(
      "DO $stresslab$BEGIN RAISE EXCEPTION USING ERRCODE = '40001', MESSAGE = 'it''s'; END$stresslab$",
    );
    expect(raiseStatement('40001', 'a $stresslab$ b')).toMatch(/^DO \$stresslab1\$.*END\$stresslab1\$$/);
  });
});

describe('ProtocolFaultCounters', () => {
  it('skips `after` matches, then fires at most `count` times', () => {
    const counters = new ProtocolFaultCounters();
    const rule = { after: 2, count: 3, toxicity: 1 };
    const fired = Array.from({ length: 8 }, () => counters.fires('t', rule, Math.random));
    expect(fired).toEqual([false, false, true, true, true, false, false, false]);
    counters.forget('t');
    expect(counters.fires('t', { after: 0, count: 0, toxicity: 1 }, Math.random)).toBe(true);
  });

  it('fires with probability toxicity (seeded: 2,000 rolls at 0.2 within 4 sd)', () => {
    const counters = new ProtocolFaultCounters();
    const random = createRng(3);
    const rule = { after: 0, count: 0, toxicity: 0.2 };
    const fired = Array.from({ length: 2000 }, () => counters.fires('t', rule, random)).filter(Boolean).length;
    expect(Math.abs(fired - 400)).toBeLessThanOrEqual(4 * Math.sqrt(2000 * 0.2 * 0.8));
    expect(counters.fires('never', { after: 0, count: 0, toxicity: 0 }, random)).toBe(false);
  });
});
