/**
 * What the browser-side script draws: plain data embedded as JSON in the HTML page. The server
 * side decides every number, colour and label; the page only hands them to uPlot.
 */
export interface ChartSeriesSpec {
  label: string;
  color: string;
  values: (number | null)[];
  /** Second y axis (right side), for a quantity of another unit or scale. */
  axis?: 'y' | 'y2';
  dash?: number[];
  /** Draw points instead of only a line (history pages with few runs). */
  points?: boolean;
  /** Area colour of a stacked chart's series. */
  fill?: string;
}

/** A shaded time window, e.g. a fault from injection to removal. */
export interface ChartBand {
  fromX: number;
  toX: number;
  color: string;
  label: string;
  /** `full` shades the whole plot height; `strip` a thin strip at the top (probe failures). */
  style: 'full' | 'strip';
}

/** A vertical line at one instant, e.g. detection or recovery of a fault. */
export interface ChartMarker {
  atX: number;
  color: string;
  label: string;
  dashed: boolean;
}

/** A coloured dot on the time axis, e.g. a run's verdict on the history page. */
export interface ChartDot {
  atX: number;
  color: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** `elapsed`: x is seconds since the run's start; `date`: x is Unix seconds. */
  xKind: 'elapsed' | 'date';
  yLabel: string;
  y2Label?: string;
  x: number[];
  series: ChartSeriesSpec[];
  bands: ChartBand[];
  markers: ChartMarker[];
  dots: ChartDot[];
  /** A note printed under the chart, e.g. how the series was downsampled. */
  note?: string;
  /**
   * The series with a `fill` are parts of a whole (OK and KO, outcome classes): drawn as areas
   * stacked in order, the first at the bottom; the legend shows each part's own value. Series
   * without a fill are drawn as plain lines over them.
   */
  stacked?: boolean;
}

export const CHART_COLORS = {
  p50: '#2f7ed8',
  p95: '#f28f1c',
  p99: '#c0392b',
  max: '#8e44ad',
  rps: '#1f9d55',
  errors: '#c0392b',
  okFill: 'rgba(31, 157, 85, 0.35)',
  koFill: 'rgba(192, 57, 43, 0.55)',
  host: '#6c7a89',
  target: '#2f7ed8',
  harness: '#f28f1c',
  fault: 'rgba(231, 76, 60, 0.13)',
  probeDown: 'rgba(142, 68, 173, 0.55)',
  detected: '#e67e22',
  recovered: '#1f9d55',
  notRecovered: '#c0392b',
  event: '#555555',
  pass: '#1f9d55',
  fail: '#c0392b',
  inconclusive: '#8e44ad',
  aborted: '#e67e22',
  error: '#7f8c8d',
} as const;
