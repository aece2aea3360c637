import type { Fingerprint } from '../contract/run-result.ts';
import { harnessVersion } from '../core/version.ts';

/**
 * The environment of an imported k6 run. The load came from k6 machines stresslab never saw, so
 * the importing machine's CPU and memory would be a lie; this fixed fingerprint makes k6 runs
 * compare with k6 runs of the same pod count, and mismatch (a warning) against local baselines.
 */
export function k6Fingerprint(instances: number): Fingerprint {
  return { cpuModel: 'k6 (remote load generators)', cores: Math.max(1, instances), memBytes: 0, os: 'k6', node: 'n/a', harnessVersion };
}
