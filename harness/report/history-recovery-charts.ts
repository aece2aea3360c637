import { CHART_COLORS as C, type ChartMarker, type ChartSpec } from './chart-spec.ts';
import { hasFaults, type HistoryLine } from './history-line.ts';

/** What the trend page's charts share: the runs' time axis and verdict dots. */
export type TrendChartBase = Pick<ChartSpec, 'xKind' | 'x' | 'bands' | 'markers' | 'dots'>;

/**
 * The chaos trend of a group whose runs inject faults: time to recover (mean and longest, with the
 * injections that did not recover on the right axis, since a run with one of them has no MTTR at
 * all) and time to detect (mean and longest). Runs without faults, or from before the history line
 * carried a value, are gaps rather than zeros: a missing MTTR is not a fast one. No charts for a
 * group without faults.
 */
export function recoveryCharts(
  runs: readonly HistoryLine[],
  prefix: string,
  base: TrendChartBase,
  markers: { mttr: ChartMarker[]; ttd: ChartMarker[] },
): ChartSpec[] {
  if (!runs.some(hasFaults)) return [];
  const value = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const ttr: ChartSpec = {
    ...base, id: `${prefix}-ttr`, title: 'Time to recover (chaos)', yLabel: 's', y2Label: 'not recovered', markers: markers.mttr, series: [
      { label: 'MTTR', color: C.recovered, values: runs.map((r) => value(r.mttrSec)), points: true },
      { label: 'max TTR', color: C.max, values: runs.map((r) => value(r.maxTtrSec)), points: true, dash: [6, 4] },
      { label: 'not recovered', color: C.notRecovered, values: runs.map((r) => (hasFaults(r) ? r.notRecovered : null)), axis: 'y2', points: true },
    ],
  };
  const detected = runs.some((r) => value(r.ttdSec) !== null);
  const ttd: ChartSpec[] = detected
    ? [{
      ...base, id: `${prefix}-ttd`, title: 'Time to detect (chaos)', yLabel: 's', markers: markers.ttd, series: [
        { label: 'mean TTD', color: C.detected, values: runs.map((r) => value(r.ttdSec)), points: true },
        { label: 'max TTD', color: C.max, values: runs.map((r) => value(r.maxTtdSec)), points: true, dash: [6, 4] },
      ],
    }]
    : [];
  return [ttr, ...ttd];
}
