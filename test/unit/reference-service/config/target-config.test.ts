import { describe, expect, it } from 'vitest';
import { defaultTargetConfig, loadTargetConfig } from '../../../../reference-service/config/target-config.ts';
import { ConfigError } from '../../../../reference-service/config/config-error.ts';

describe('loadTargetConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadTargetConfig({})).toEqual(defaultTargetConfig);
    expect(defaultTargetConfig.dbConnectTimeoutMs).toBeLessThanOrEqual(2000);
  });

  it('reads every knob', () => {
    const c = loadTargetConfig({
      PORT: '8080', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u:p@127.0.0.1:5433/db', WORKERS: '2', POOL_MAX: '5',
      MAX_ATTEMPTS: '3', LEASE_MS: '1000', SHUTDOWN_GRACE_MS: '500', TARGET_WORK_FACTOR: '1.1', CHAOS_TOKEN: 's3cret',
      BODY_LIMIT_BYTES: '65536', APP_NAME: 'mine', TARGET_TEST_DROP_RATE: '0.25',
    });
    expect(c).toMatchObject({
      port: 8080, host: '0.0.0.0', databaseUrl: 'postgres://u:p@127.0.0.1:5433/db', workers: 2, poolMax: 5,
      maxAttempts: 3, leaseMs: 1000, shutdownGraceMs: 500, workFactor: 1.1, chaosToken: 's3cret',
      bodyLimitBytes: 65536, appName: 'mine', testDropRate: 0.25,
    });
  });

  it('reports every bad value with the variable name', () => {
    let caught: unknown;
    try {
      loadTargetConfig({ PORT: 'abc', WORKERS: '1.5', TARGET_TEST_DROP_RATE: '2', DATABASE_URL: 'mysql://x', TARGET_WORK_FACTOR: '0.5' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.problems.map((p) => p.path).sort()).toEqual(['DATABASE_URL', 'PORT', 'TARGET_TEST_DROP_RATE', 'TARGET_WORK_FACTOR', 'WORKERS']);
    expect(err.format()).toContain('PORT');
  });

  it('treats empty strings as unset', () => {
    expect(loadTargetConfig({ DATABASE_URL: '', CHAOS_TOKEN: ' ' })).toMatchObject({ databaseUrl: null, chaosToken: null });
  });
});
