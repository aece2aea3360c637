import { ConfigError } from './config-error.ts';
import type { ConfigProblem } from './config-error.ts';

/** Everything the target reads from its environment, with units in the names. */
export interface TargetConfig {
  port: number;
  host: string;
  /** null: start an embedded throw-away PostgreSQL. */
  databaseUrl: string | null;
  workers: number;
  poolMax: number;
  maxAttempts: number;
  leaseMs: number;
  shutdownGraceMs: number;
  workFactor: number;
  /** null: the chaos routes do not exist. */
  chaosToken: string | null;
  bodyLimitBytes: number;
  appName: string;
  dbConnectTimeoutMs: number;
  statementTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Test only: the fraction of new executions answered 202 but never stored (simulated lost work). */
  testDropRate: number;
}

export const defaultTargetConfig: TargetConfig = {
  port: 0,
  host: '127.0.0.1',
  databaseUrl: null,
  workers: 4,
  poolMax: 16,
  maxAttempts: 5,
  leaseMs: 30_000,
  shutdownGraceMs: 10_000,
  workFactor: 1,
  chaosToken: null,
  bodyLimitBytes: 50 * 1024 * 1024,
  appName: 'stresslab-target',
  dbConnectTimeoutMs: 2_000,
  statementTimeoutMs: 5_000,
  retryBaseMs: 500,
  retryMaxMs: 60_000,
  testDropRate: 0,
};

interface NumberRule {
  env: string;
  key: { [K in keyof TargetConfig]: TargetConfig[K] extends number ? K : never }[keyof TargetConfig];
  min: number;
  max: number;
  integer: boolean;
}

const numberRules: readonly NumberRule[] = [
  { env: 'PORT', key: 'port', min: 0, max: 65_535, integer: true },
  { env: 'WORKERS', key: 'workers', min: 0, max: 256, integer: true },
  { env: 'POOL_MAX', key: 'poolMax', min: 1, max: 1_000, integer: true },
  { env: 'MAX_ATTEMPTS', key: 'maxAttempts', min: 1, max: 100, integer: true },
  { env: 'LEASE_MS', key: 'leaseMs', min: 100, max: 3_600_000, integer: true },
  { env: 'SHUTDOWN_GRACE_MS', key: 'shutdownGraceMs', min: 0, max: 600_000, integer: true },
  { env: 'TARGET_WORK_FACTOR', key: 'workFactor', min: 1, max: 1_000, integer: false },
  { env: 'BODY_LIMIT_BYTES', key: 'bodyLimitBytes', min: 1_024, max: 2 ** 31 - 1, integer: true },
  { env: 'DB_CONNECT_TIMEOUT_MS', key: 'dbConnectTimeoutMs', min: 100, max: 60_000, integer: true },
  { env: 'STATEMENT_TIMEOUT_MS', key: 'statementTimeoutMs', min: 100, max: 3_600_000, integer: true },
  { env: 'RETRY_BASE_MS', key: 'retryBaseMs', min: 1, max: 3_600_000, integer: true },
  { env: 'RETRY_MAX_MS', key: 'retryMaxMs', min: 1, max: 86_400_000, integer: true },
  { env: 'TARGET_TEST_DROP_RATE', key: 'testDropRate', min: 0, max: 1, integer: false },
];

function parseNumber(rule: NumberRule, raw: string, problems: ConfigProblem[]): number | undefined {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  const kind = rule.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value)) || value < rule.min || value > rule.max) {
    problems.push({
      path: rule.env,
      message: `must be ${kind} from ${rule.min} to ${rule.max}, got ${JSON.stringify(raw)}`,
    });
    return undefined;
  }
  return value;
}

function nonEmpty(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function checkDatabaseUrl(url: string, problems: ConfigProblem[]): void {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      problems.push({ path: 'DATABASE_URL', message: `must be a postgres:// URL, got protocol ${parsed.protocol}` });
    }
  } catch {
    problems.push({ path: 'DATABASE_URL', message: 'is not a valid URL' });
  }
}

/** Reads the target's configuration from environment variables; every bad value is reported at once. */
export function loadTargetConfig(env: NodeJS.ProcessEnv): TargetConfig {
  const config: TargetConfig = { ...defaultTargetConfig };
  const problems: ConfigProblem[] = [];
  for (const rule of numberRules) {
    const raw = env[rule.env];
    if (raw === undefined) continue;
    const value = parseNumber(rule, raw, problems);
    if (value !== undefined) config[rule.key] = value;
  }
  config.host = nonEmpty(env.HOST) ?? config.host;
  config.appName = nonEmpty(env.APP_NAME) ?? config.appName;
  config.chaosToken = nonEmpty(env.CHAOS_TOKEN);
  config.databaseUrl = nonEmpty(env.DATABASE_URL);
  if (config.databaseUrl !== null) checkDatabaseUrl(config.databaseUrl, problems);
  if (config.retryMaxMs < config.retryBaseMs) {
    problems.push({ path: 'RETRY_MAX_MS', message: `must be at least RETRY_BASE_MS (${config.retryBaseMs})` });
  }
  if (problems.length > 0) {
    throw new ConfigError('The reference service configuration is invalid.', problems, 'Fix the environment variables listed above (see the README section "The reference service").');
  }
  return config;
}
