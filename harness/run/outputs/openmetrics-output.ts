import { constants } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { StresslabError } from '../../core/stresslab-error.ts';
import { openMetricsChunks } from '../../report/render-openmetrics.ts';
import type { OutputKind } from './output-target.ts';

/** `--output openmetrics=FILE`: the run's metrics as an OpenMetrics text file, written atomically. */
export const openMetricsOutput: OutputKind<'openmetrics'> = {
  usage: 'openmetrics=<file>',
  example: 'openmetrics=reports/metrics.om.txt',
  async parse(destination, { flag, cwd }) {
    const file = path.resolve(cwd, destination);
    const refuse = (why: string): StresslabError =>
      new StresslabError('BAD_USAGE', `${flag} openmetrics=${destination}: ${why}`, { hint: `name a file in a writable directory, e.g. ${flag} ${openMetricsOutput.example}` });
    if (destination.trim() === '' || destination.endsWith('/')) throw refuse('needs a file name');
    const existing = await stat(file).catch(() => null);
    if (existing?.isDirectory()) throw refuse('is a directory');
    // The nearest directory that exists must be writable: the rest is created at the end.
    let dir = path.dirname(file);
    for (;;) {
      const s = await stat(dir).catch(() => null);
      if (s !== null) {
        if (!s.isDirectory()) throw refuse(`${dir} is not a directory`);
        await access(dir, constants.W_OK).catch(() => {
          throw refuse(`${dir} is not writable`);
        });
        break;
      }
      dir = path.dirname(dir);
    }
    return { kind: 'openmetrics', file };
  },
  async send(target, families) {
    // Streamed into a temp file beside it, then renamed: a reader never sees half a file.
    await mkdir(path.dirname(target.file), { recursive: true });
    const tmp = path.join(path.dirname(target.file), `.${path.basename(target.file)}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await pipeline(Readable.from(openMetricsChunks(families)), createWriteStream(tmp, { flush: true }));
      await rename(tmp, target.file);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    const samples = families.reduce((n, f) => n + f.series.reduce((m, s) => m + s.samples.length, 0), 0);
    return `wrote ${samples} samples to ${target.file}`;
  },
};
