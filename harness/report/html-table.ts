import { escapeHtml } from './html-escape.ts';

/** A table cell: plain text (escaped here) with an optional style class (`bad`, `warn`, `good`, `text`). */
export type HtmlCell = string | { text: string; cls?: string };

/** An HTML table whose every cell is escaped; the only way the HTML renderers build tables. */
export function htmlTable(headers: readonly string[], rows: readonly (readonly HtmlCell[])[]): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map(cellHtml).join('')}</tr>`).join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function cellHtml(cell: HtmlCell): string {
  if (typeof cell === 'string') return `<td>${escapeHtml(cell)}</td>`;
  const cls = cell.cls ? ` class="${escapeHtml(cell.cls)}"` : '';
  return `<td${cls}>${escapeHtml(cell.text)}</td>`;
}
