import { StresslabError } from '../core/stresslab-error.ts';

/**
 * One of `count` disjoint parts of a load (k6's execution segments, in their simplest, equal form):
 * the open model's arrival k belongs to segment k mod count, the closed model's VUs and iterations
 * are shared out so the parts sum to the whole. Every intended arrival, VU and iteration belongs to
 * exactly one segment, so N segment runs (threads, processes or machines) together are the load.
 */
export interface ExecutionSegment {
  /** 0-based. */
  index: number;
  count: number;
}

/** The whole load: one segment. */
export const WHOLE: ExecutionSegment = { index: 0, count: 1 };

/** Segment `index` of `count`'s share of `total` whole things (VUs, iterations): ⌊(i+1)·T/N⌋ − ⌊i·T/N⌋. */
export function segmentShare(total: number, s: ExecutionSegment): number {
  return Math.floor(((s.index + 1) * total) / s.count) - Math.floor((s.index * total) / s.count);
}

/** `--segment i/N` (1-based i, as people count machines) → the segment; a clear error otherwise. */
export function parseSegment(text: string, flag = '--segment'): ExecutionSegment {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n < 1 || n > 1024 || i < 1 || i > n) {
    throw new StresslabError('BAD_USAGE', `${flag} ${JSON.stringify(text)} is not a segment i/N with 1 ≤ i ≤ N ≤ 1024`, {
      hint: `${flag} 2/3 runs the second of three equal parts of the load`,
    });
  }
  return { index: i - 1, count: n };
}

/**
 * Segment `index` of `count` within `part` (a machine's `--segment` split again into its load
 * threads): arrival k is part p of N when k mod N = p; its j-th own arrival (k = p + N·j) goes to
 * thread t when j mod W = t, i.e. k mod N·W = p + N·t. The parts' sub-segments together are an
 * equal split of the whole into N·W, so arrivals, VUs, iterations and {{seq}} still partition exactly.
 */
export function subSegment(part: ExecutionSegment, index: number, count: number): ExecutionSegment {
  return { index: part.index + part.count * index, count: part.count * count };
}

/** "2/3" for people (1-based, as `--segment` takes it). */
export function segmentLabel(s: ExecutionSegment): string {
  return `${s.index + 1}/${s.count}`;
}
