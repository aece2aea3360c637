import os from 'node:os';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Fingerprint } from '../analysis/run-result.ts';
import { repoRoot } from './repo-root.ts';

export const harnessVersion: string = (
  JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** What a latency number depends on besides the code: compared with the baseline's, a mismatch is a warning. */
export function environmentFingerprint(targetVersion?: string): Fingerprint {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memBytes: os.totalmem(),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    harnessVersion,
    ...(targetVersion ? { targetVersion } : {}),
  };
}

/** Hash of the fields that make runs comparable (memory rounded to GiB so small reporting differences do not count). */
export function fingerprintHash(f: Fingerprint): string {
  const canonical = JSON.stringify([f.cpuModel, f.cores, Math.round(f.memBytes / 2 ** 30), f.os.split(' ')[0], f.node.split('.')[0], f.harnessVersion, f.targetVersion ?? null]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
