import { randomBytes } from 'node:crypto';

/** Sortable and unique: `20261122T144503Z-3f9a` (UTC start time plus 4 random hex digits). */
export function newRunId(startEpochMs: number): string {
  const iso = new Date(startEpochMs).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${iso}-${randomBytes(2).toString('hex')}`;
}
