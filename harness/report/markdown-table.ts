/**
 * Escapes user text (scenario, request and fault names, reasons) for GitHub-flavoured Markdown:
 * Markdown syntax is backslash-escaped, and `<`/`>`/`&` become entities so raw HTML in a name
 * is shown, not rendered, in a job summary or PR comment.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1')
    // Block syntax only counts at the start of a line (or list item): `# x`, `+ x`, `1. x`.
    .replace(/^(\s*)([#+-])/, '$1\\$2')
    .replace(/^(\s*)(\d+)([.)])/, '$1$2\\$3');
}

export type Align = 'left' | 'right';

/** A GFM table; cells must already be escaped (they may hold Markdown such as `**bold**`). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const rule = headers.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}
