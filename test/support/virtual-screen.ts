/**
 * A minimal terminal: enough of VT100 to replay what the live view writes (printable text, CR,
 * LF, cursor up `ESC[nA`, erase line `ESC[2K`) and read back what a person would see.
 */
export function virtualScreen(output: string): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  const re = /\u001b\[(\d*)([A-Za-z])|\r|\n|[^\u001b\r\n]/gu;
  for (const m of output.matchAll(re)) {
    const token = m[0];
    if (m[2] !== undefined) {
      const n = m[1] === '' || m[1] === undefined ? 1 : Number(m[1]);
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'K' && n === 2) rows[row] = [];
      else throw new Error(`unsupported escape ${JSON.stringify(token)}`);
    } else if (token === '\r') col = 0;
    else if (token === '\n') {
      row++;
      col = 0;
    } else {
      const line = (rows[row] ??= []);
      while (line.length < col) line.push(' ');
      line[col++] = token;
    }
    rows[row] ??= [];
  }
  const lines = rows.map((r) => (r ?? []).join('').trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}
