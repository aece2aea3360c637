import { createHash } from 'node:crypto';
import type { ChartAssets } from './chart-assets.ts';
import { CHART_CLIENT_SCRIPT } from './chart-client-script.ts';
import type { ChartSpec } from './chart-spec.ts';
import { escapeHtml, jsonForScript } from './html-escape.ts';

export interface HtmlPageInput {
  title: string;
  /** Already-escaped HTML of the page body. */
  bodyHtml: string;
  charts: readonly ChartSpec[];
  assets: ChartAssets;
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; margin: 0; background: #f5f6f8; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.meta { color: #5a6270; } .verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.pass { background: #1f9d55; } .verdict.fail { background: #c0392b; } .verdict.inconclusive { background: #8e44ad; } .verdict.aborted { background: #e67e22; } .verdict.error { background: #7f8c8d; }
ul.reasons { margin: 8px 0; } ul.warnings li { color: #8a5a00; }
table { border-collapse: collapse; background: #fff; margin: 4px 0 8px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #dde1e6; padding: 4px 10px; text-align: right; } th { background: #eef1f4; }
th:first-child, td:first-child, td.text { text-align: left; }
td.bad { color: #c0392b; font-weight: 600; } td.warn { color: #b9770e; } td.good { color: #1f7a45; }
p.bad { color: #c0392b; font-weight: 600; } p.warn { color: #b9770e; } details { margin: 8px 0; } summary { cursor: pointer; color: #5a6270; }
.chart-card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 10px 12px; margin: 12px 0; }
.chart-card h3 { font-size: 15px; margin: 0 0 6px; } .chart { min-height: 280px; } .note { color: #5a6270; font-size: 12px; margin: 4px 0 0; }
footer { color: #8a919c; font-size: 12px; margin-top: 32px; }
`;

function scriptHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/**
 * A complete, self-contained HTML document: uPlot, styles and data are inline, and the
 * Content-Security-Policy forbids every network fetch and every script except the two inlined
 * here (by hash), so the page works offline and a name that slipped past escaping still
 * could not run code.
 */
export function htmlPage(input: HtmlPageInput): string {
  const { uplotJs, uplotCss } = input.assets;
  if (/<\/script/i.test(uplotJs)) throw new Error('uPlot bundle contains </script> and cannot be inlined');
  const csp = [
    "default-src 'none'",
    `script-src ${scriptHash(uplotJs)} ${scriptHash(CHART_CLIENT_SCRIPT)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${uplotCss}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
${input.bodyHtml}
</main>
<script type="application/json" id="chart-data">${jsonForScript(input.charts)}</script>
<script>${uplotJs}</script>
<script>${CHART_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

/** The card a chart is drawn into; the client script finds it by `data-chart`. */
export function chartCardHtml(spec: ChartSpec): string {
  const note = spec.note ? `<p class="note">${escapeHtml(spec.note)}</p>` : '';
  return `<section class="chart-card"><h3>${escapeHtml(spec.title)}</h3><div class="chart" data-chart="${escapeHtml(spec.id)}"></div>${note}</section>`;
}
