import xterm from '@xterm/headless';

/**
 * What a person would see after a program wrote `output` to a terminal of `cols` × `rows`: the
 * bytes replayed through xterm.js's headless terminal (the emulator of VS Code's terminal), and the
 * whole buffer read back, scrollback included, trailing blanks trimmed.
 */
export async function xtermScreen(output: string, { cols, rows }: { cols: number; rows: number }): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(output, resolve));
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
  term.dispose();
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}
