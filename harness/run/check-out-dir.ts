import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { StresslabError } from '../core/stresslab-error.ts';

export interface OutDirCheckOptions {
  /** Bytes the run is expected to write there (expected-output-bytes.ts). */
  neededBytes: number;
  /** The flag that named the directory, for the message: `--out`. */
  flag?: string;
}

export interface OutDirSpace {
  neededBytes: number;
  freeBytes: number;
}

/** Bytes of the probe file: more than one block, so a file system with no block left refuses it. */
const PROBE_BYTES = 8192;

/**
 * Before anything starts, the reports directory is made and proven usable: created (its parent a
 * regular file is refused), written to (a probe file written, fsynced and removed: a read-only
 * file system, missing permissions or a full disk show here, not after PostgreSQL, the target and
 * the faults have started) and holding enough free space for what the run will write.
 * Throws BAD_USAGE (exit 2) naming the flag and the fix.
 */
export async function checkOutDir(dir: string, options: OutDirCheckOptions): Promise<OutDirSpace> {
  const flag = options.flag ?? '--out';
  const refuse = (why: string, hint: string, cause?: unknown): StresslabError =>
    new StresslabError('BAD_USAGE', `${flag} ${dir}: ${why}`, { hint, ...(cause === undefined ? {} : { cause }) });
  try {
    await makeDirectory(dir);
  } catch (e) {
    throw refuse(`cannot create the directory (${reasonOf(e)})`, fixFor(e, flag), e);
  }
  const stat = await fs.stat(dir);
  if (!stat.isDirectory()) throw refuse('is not a directory', `give ${flag} a directory (it is created when missing)`);
  const probe = path.join(dir, `.stresslab-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await fs.open(probe, 'wx');
    try {
      await handle.writeFile(Buffer.alloc(PROBE_BYTES, 0x2e));
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    throw refuse(`cannot write there (${reasonOf(e)})`, fixFor(e, flag), e);
  } finally {
    await fs.rm(probe, { force: true }).catch(() => {});
  }
  const fsStat = await fs.statfs(dir);
  const freeBytes = Number(fsStat.bavail) * Number(fsStat.bsize);
  const neededBytes = Math.ceil(options.neededBytes);
  if (freeBytes < neededBytes) {
    throw refuse(
      `${formatBytes(freeBytes)} free, the run needs about ${formatBytes(neededBytes)} for its timeline and reports`,
      `free some space there, or point ${flag} at a file system with at least ${formatBytes(neededBytes)} free`,
    );
  }
  return { neededBytes, freeBytes };
}

/**
 * `mkdir -p` one level at a time. Node's `mkdir(…, { recursive: true })` never returns for a path
 * under /proc (procfs answers ENOENT for a child it cannot create, and Node then "creates the
 * parent", which exists, and tries again, forever), nor for one under a dangling symlink.
 */
async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    try {
      await fs.stat(current);
      break;
    } catch (e) {
      const parent = path.dirname(current);
      if (codeOf(e) !== 'ENOENT' || parent === current) throw e;
      missing.push(current);
      current = parent;
    }
  }
  for (const d of missing.reverse()) {
    try {
      await fs.mkdir(d);
    } catch (e) {
      if (codeOf(e) === 'EEXIST' && (await fs.stat(d)).isDirectory()) continue;
      throw e;
    }
  }
}

function codeOf(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : '';
}

function reasonOf(e: unknown): string {
  switch (codeOf(e)) {
    case 'EROFS':
      return 'read-only file system';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a regular file, not a directory';
    case 'ENOENT':
      return 'the file system refuses to create it';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function fixFor(e: unknown, flag: string): string {
  switch (codeOf(e)) {
    case 'ENOTDIR':
    case 'EEXIST':
      return `give ${flag} a path whose parents are directories`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `free some space, or point ${flag} at another file system`;
    case 'EROFS':
      return `point ${flag} at a writable file system`;
    default:
      return `point ${flag} at a directory you can write to`;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toPrecision(3)} ${units[i]}`;
}
