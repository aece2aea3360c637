import os from 'node:os';
import { createHash } from 'node:crypto';
import type { Fingerprint } from '../contract/run-result.ts';
import { harnessVersion } from '../core/version.ts';

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
