import { defineConfig } from 'vitest/config';

// Two cores: timing-sensitive load tests would be distorted by a second test file
// competing for CPU, so files run one at a time; tests inside a file may still be concurrent.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/postgres-global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]] : ['default'],
  },
});
