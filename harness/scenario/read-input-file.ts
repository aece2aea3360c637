import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeUtf8 } from '../core/decode-utf8.ts';
import { positionOf } from './json-syntax-error.ts';
import { formatBytes } from './input-limits.ts';

/** The text of an input file, or why it cannot be one (a sentence naming the file, and a fix). */
export type InputFileText = { ok: true; text: string } | { ok: false; message: string; hint: string };

/**
 * Reads a scenario or body file as UTF-8 text, refusing what is not a regular file or is larger than
 * `maxBytes` before reading it. The file is opened non-blocking and checked through that descriptor:
 * opening a FIFO for reading otherwise blocks until a writer appears (`validate` hung), and `/dev/zero`
 * never ends. A leading BOM is dropped; invalid UTF-8 is refused with the byte offset.
 */
export async function readInputFile(file: string, maxBytes: number): Promise<InputFileText> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, message: `${file} not found`, hint: 'check the path (relative paths start at the scenario file\'s folder for body files)' };
    if (code === 'EACCES' || code === 'EPERM') return { ok: false, message: `${file} is not readable (${code})`, hint: 'check the file\'s permissions' };
    return { ok: false, message: `cannot open ${file}: ${(e as Error).message}`, hint: 'check the path and its permissions' };
  }
  try {
    const stat = await handle.stat();
    const kind = notRegular(stat);
    if (kind !== null) return { ok: false, message: `${file} is ${kind}, not a regular file`, hint: 'name a regular file' };
    if (stat.size > maxBytes) {
      return { ok: false, message: `${file} is ${formatBytes(stat.size)}, more than the limit of ${formatBytes(maxBytes)}`, hint: `keep it under ${formatBytes(maxBytes)}` };
    }
    const bytes = await handle.readFile();
    // The size was checked before reading; a file that grew meanwhile is checked again.
    if (bytes.length > maxBytes) return { ok: false, message: `${file} grew past the limit of ${formatBytes(maxBytes)} while read`, hint: `keep it under ${formatBytes(maxBytes)}` };
    const decoded = decodeUtf8(bytes);
    if (decoded.ok) return { ok: true, text: decoded.text };
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, decoded.byteOffset));
    const { line, column } = positionOf(before, before.length);
    return {
      ok: false,
      message: `${file} is not valid UTF-8: byte ${decoded.byteOffset} (0x${(bytes[decoded.byteOffset] ?? 0).toString(16).padStart(2, '0')}, line ${line}, column ${column})`,
      hint: 'save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)',
    };
  } finally {
    await handle.close();
  }
}

function notRegular(stat: Stats): string | null {
  if (stat.isFile()) return null;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}
