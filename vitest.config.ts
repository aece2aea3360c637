import { defineConfig } from 'vitest/config';

// Two cores: timing-sensitive load tests would be distorted by a second test file
// competing for CPU, so files run one at a time; tests inside a file may still be concurrent.
/** Reliability files that may share the machine with one other (see the project below). */
const RELIABILITY_PAIRED = [
  'test/reliability/run-failure.test.ts',
  'test/reliability/sigkill-leftovers.test.ts',
  'test/reliability/target-start.test.ts',
  'test/reliability/target-death.test.ts',
  'test/reliability/ledger-full-disk.test.ts',
  'test/reliability/audit-sources-run.test.ts',
  'test/reliability/installed-package.test.ts',
  'test/reliability/concurrent-runs.test.ts',
  'test/reliability/summary-json-quiet.test.ts',
  'test/reliability/outputs-run.test.ts',
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/postgres-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: process.env.VITEST_JSON ?? 'test-artifacts/vitest.json' }]] : ['default'],
    projects: [
      // Unit tests share one process: a fresh one per file cost ~0.4 s of start-up and imports each,
      // more than half of their time. They keep no state between files (checked with --sequence.shuffle).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      // Integration tests spawn servers, set environment variables and spy on the process: one
      // process per file, so none sees another's leftovers.
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      // Failure, signal and full-disk tests: whole runs with real processes, too slow for `npm test`'s
      // 10 minutes on a 2-core machine; `npm run test:reliability` runs them and so does .ci/run.
      // The chaos, fuzz and timing-sensitive ones one at a time, as above.
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], exclude: RELIABILITY_PAIRED } },
      // These assert exit codes, files and processes, not timing, and mostly wait on wall-clock
      // stages (a target starting, a kill, a grace period): two at a time, which saves ~90 s of
      // .ci/run's 20 minutes. Their own groupOrder because their maxWorkers differs.
      {
        extends: true,
        test: { name: 'reliability-paired', include: RELIABILITY_PAIRED, fileParallelism: true, maxWorkers: 2, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
