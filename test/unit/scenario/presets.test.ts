import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario, openScenario } from '../../../harness/scenario/load-scenario.ts';
import { presetNames, SCENARIOS_DIR, SCHEMA_FILE } from '../../../harness/scenario/scenario-files.ts';
import { scenarioJsonSchemaText } from '../../../harness/scenario/scenario-json-schema.ts';
import { buildPlan } from '../../../harness/plan/build-plan.ts';
import { scenarioDir } from './scenario-test-files.ts';

const LOAD_PRESETS = ['light', 'medium', 'heavy', 'spike', 'endurance'];
const CHAOS_PRESETS = ['chaos-db', 'chaos-db-errors', 'chaos-network', 'chaos-memory', 'chaos-cpu', 'chaos-process', 'drill-cascade'];

describe('preset scenarios', async () => {
  const names = await presetNames();

  it('include the load and chaos presets', () => {
    expect(names).toEqual(expect.arrayContaining([...LOAD_PRESETS, ...CHAOS_PRESETS]));
  });

  it.each(names)('%s loads and plans in both profiles, quick within budget', async (name) => {
    const full = await loadScenario(name, { cwd: '/' });
    const quick = await loadScenario(name, { cwd: '/', profile: 'quick' });
    expect(full.hash).not.toBe(quick.hash);
    const fullPlan = buildPlan(full.scenario, { seed: 1, profile: null });
    const quickPlan = buildPlan(quick.scenario, { seed: 1, profile: 'quick' });
    expect(quickPlan.durationMs).toBeLessThan(fullPlan.durationMs);
    const budgetMs = CHAOS_PRESETS.includes(name) ? 100_000 : 75_000; // leaves room for target start-up and the audit
    expect(quickPlan.durationMs).toBeLessThanOrEqual(budgetMs);
    expect(quick.bodies.get('validate-1k')).toBeDefined();
    if (CHAOS_PRESETS.includes(name)) {
      expect(quickPlan.faults.length).toBeGreaterThan(0);
      expect(quick.scenario.audit?.executions.capture).toBe('executionId');
      const lastRemove = Math.max(...quickPlan.faults.map((f) => f.removeAtMs));
      const loadEnd = Math.max(...quickPlan.phases.map((p) => p.startMs + p.durationMs));
      expect(loadEnd - lastRemove).toBeGreaterThanOrEqual(20_000); // a recovery tail
    }
  });

  it('match the sizes of the runbooks', async () => {
    const plan = async (n: string) => buildPlan((await loadScenario(n, { cwd: '/' })).scenario, { seed: 1, profile: null });
    const light = (await plan('light')).phases[0];
    expect(light).toMatchObject({ executor: 'constant-vus', vus: 100, durationMs: 600_000 });
    expect((await plan('medium')).phases[0]).toMatchObject({ vus: 500, durationMs: 1_800_000 });
    const heavy = (await plan('heavy')).phases[0];
    expect(heavy?.executor === 'ramping-vus' && Math.max(...heavy.stages.map((s) => s.target))).toBeGreaterThanOrEqual(1000);
    expect(heavy?.durationMs).toBe(3_600_000);
    const spike = (await plan('spike')).phases[0];
    if (spike?.executor !== 'ramping-arrival-rate') throw new Error('spike is not open-model');
    expect(Math.max(...spike.stages.map((s) => s.target))).toBe(10 * spike.startRatePerSec);
    expect((await plan('endurance')).phases[0]?.durationMs).toBe(24 * 3_600_000);
  });

  it('hash the content, not its format: the same scenario as YAML has the same hash', async () => {
    const json = JSON.parse(readFileSync(join(SCENARIOS_DIR, 'spike.json'), 'utf8')) as Record<string, unknown>;
    const files = scenarioDir();
    const copyBody = (p: string) => files.write(p, readFileSync(join(SCENARIOS_DIR, p), 'utf8'));
    copyBody('data/rows-100.json');
    copyBody('data/rows-1k.json');
    const yamlFile = files.write('spike.yaml', stringify(json));
    const a = await loadScenario('spike', { cwd: '/', profile: 'quick' });
    const b = await loadScenario(yamlFile, { cwd: '/', profile: 'quick' });
    expect(b.hash).toBe(a.hash);
    expect(b.scenario).toEqual(a.scenario);
  });

  it('open once and resolved per profile (as validate does), they give what loadScenario gives, hash included', async () => {
    for (const name of ['light', 'spike', 'chaos-db']) {
      const opened = await openScenario(name, { cwd: '/' });
      for (const profile of [undefined, ...opened.profiles]) {
        const loaded = await loadScenario(name, { cwd: '/', profile });
        const resolved = await opened.resolve(profile);
        // The hash is worked out when first read there: the same value.
        expect(resolved.hash, `${name} ${profile}`).toBe(loaded.hash);
        expect(resolved).toEqual(loaded);
      }
    }
  });

  it('scenarios/schema.json is current (regenerate with node --import tsx harness/scenario/write-json-schema.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
