import { execFileSync } from 'node:child_process';
import type { OsAccount } from './postgres-binaries.ts';

const ACCOUNT = 'postgres';

function idOf(flag: '-u' | '-g'): number | null {
  try {
    return Number(execFileSync('id', [flag, ACCOUNT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return null;
  }
}

/**
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` account, created (as a
 * system account without a login shell) when the machine has none: a bare CI box or container.
 */
export function postgresAccount(): OsAccount {
  let uid = idOf('-u');
  if (uid === null) {
    try {
      execFileSync('groupadd', ['-f', '-r', ACCOUNT], { stdio: 'pipe' });
      execFileSync('useradd', ['-r', '-g', ACCOUNT, '-s', '/usr/sbin/nologin', '-M', ACCOUNT], { stdio: 'pipe' });
    } catch (err) {
      // Another process may have created it between our check and useradd.
      if (idOf('-u') === null) {
        const detail = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? String(err);
        throw new Error(
          `running as root, PostgreSQL needs an unprivileged "${ACCOUNT}" account and creating it failed: ${detail}. ` +
            `Create it (useradd -r ${ACCOUNT}), run as a normal user, or set DATABASE_URL to an existing PostgreSQL.`,
        );
      }
    }
    uid = idOf('-u');
  }
  const gid = idOf('-g');
  if (uid === null || gid === null) throw new Error(`no uid/gid for the "${ACCOUNT}" account after creating it`);
  return { uid, gid };
}
