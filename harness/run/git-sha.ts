import { execFile } from 'node:child_process';

/** The commit under test, for history lines: CI's variable when set, else `git rev-parse`, else undefined. */
export async function gitSha(cwd: string): Promise<string | undefined> {
  const fromCi = process.env.GITHUB_SHA ?? process.env.CI_COMMIT_SHA;
  if (fromCi) return fromCi;
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 2_000 }, (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined));
  });
}
