import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../harness/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';

describe('stresslab --version', () => {
  it("prints package.json's version and exits 0; -V too", async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const io = captureIo(process.cwd());
      expect(await main([flag], io)).toBe(0);
      expect(io.stdout()).toBe(`stresslab ${version}\n`);
    }
  });

  it('is not a flag of a command: `list --version` is still refused with exit 2', async () => {
    const io = captureIo(process.cwd());
    expect(await main(['list', '--version'], io)).toBe(2);
  });
});
