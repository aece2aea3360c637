import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../harness/report/render-junit.ts';
import { loadFixtureResult, passingResult } from '../../fixtures/report/load-fixture.ts';
import { findAll, parseXml } from './xml-tree.ts';

function suiteOf(xml: string) {
  const suite = findAll(parseXml(xml), 'testsuite')[0];
  if (!suite) throw new Error('no testsuite');
  const props = Object.fromEntries(findAll(suite, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
  const out = suite.children.find((c) => c.name === 'system-out');
  return { suite, props, out };
}

describe('JUnit: OK and KO as properties and output, never as failures', () => {
  it('carries seed, git sha, version, OK/KO counts, OK latency and every outcome class as suite properties', () => {
    const { props } = suiteOf(renderJunit(loadFixtureResult()));
    expect(props).toMatchObject({
      seed: '42', gitSha: '3f9c2d1e8b7a6c5d4e3f2a1b0c9d8e7f6a5b4c3d', stresslabVersion: '0.1.0',
      requests: '36000', 'requests.ok': '35437', 'requests.ko': '563', 'latency.ok.p50Ms': '52.6', 'latency.ko.p95Ms': '5000.1',
      'outcome.2xx': '35437', 'outcome.5xx': '363', 'outcome.timeout': '197', 'outcome.reset': '3',
    });
    expect(props).not.toHaveProperty('outcome.refused');
  });

  it('lists per request and per stretch of failure in the suite\'s system-out', () => {
    const { out } = suiteOf(renderJunit(loadFixtureResult()));
    const text = out?.text ?? '';
    expect(text).toContain('execute: 10,800 requests, 10,388 OK, 412 KO (2xx 10,388, 5xx 327, timeout 85, reset 0)');
    expect(text).toContain('2:00–2:56 (56 s): 366 of 11,188 KO');
  });

  it('a passing run with failed requests has no <failure>', () => {
    const xml = renderJunit(passingResult());
    expect(passingResult().totals.errors).toBeGreaterThan(0);
    expect(xml).not.toContain('<failure');
    expect(suiteOf(xml).props['requests.ko']).toBe('563');
  });
});
