/** File names of the run record inside a run directory (contract/run-record.ts). */
export const RUN_RECORD_FILES = {
  meta: 'record.json',
  timeline: 'timeline.jsonl',
} as const;
