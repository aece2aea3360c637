import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The chart library inlined into every HTML page, so reports open offline with no CDN. */
export interface ChartAssets {
  uplotJs: string;
  uplotCss: string;
}

let cached: ChartAssets | undefined;

/**
 * Reads uPlot from node_modules once per process. This is the only file read of the renderers:
 * it is lazy (importing a renderer does no I/O) and the writer passes the assets in, so the
 * renderers themselves stay pure functions of their arguments.
 */
export function loadChartAssets(): ChartAssets {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  cached = { uplotJs, uplotCss };
  return cached;
}
