import { describe, expect, it } from 'vitest';
import { listCommand, listScenarios } from '../../../harness/cli/list-command.ts';
import { captureIo } from './validate-list-plan-io.ts';

describe('stresslab list', () => {
  it('lists every preset with its one-line description and profiles', async () => {
    const io = captureIo('/');
    expect(await listCommand.run({}, io)).toBe(0);
    const lines = io.stdout;
    for (const name of ['light', 'medium', 'heavy', 'spike', 'endurance', 'chaos-db', 'drill-cascade']) {
      const line = lines.find((l) => l.startsWith(`${name} `));
      expect(line, name).toMatch(/\S+\s{2,}\S.*\[full, quick\]$/);
    }
    const listed = await listScenarios('/');
    expect(listed.every((s) => s.description.length > 10 && !s.description.includes('\n'))).toBe(true);
  });
});
