/**
 * Where a JSON text first goes wrong, as line and column (1-based). JSON.parse's messages carry a
 * position only for some errors in Node 20, so this small scanner finds it for all of them.
 * Only called after JSON.parse failed, so its speed does not matter.
 */
export interface TextPosition {
  line: number;
  column: number;
}

export function jsonErrorPosition(text: string): TextPosition {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.space();
    if (scanner.i < text.length) throw new StopAt(scanner.i);
    return positionOf(text, text.length);
  } catch (e) {
    if (e instanceof StopAt) return positionOf(text, e.offset);
    throw e;
  }
}

export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

class StopAt {
  constructor(readonly offset: number) {}
}

/**
 * Iterative (an explicit stack of open containers), so a text nested thousands of levels deep is
 * scanned like any other instead of overflowing the call stack.
 */
class Scanner {
  i = 0;
  constructor(private readonly s: string) {}

  space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i] ?? '')) this.i++;
  }

  value(): void {
    /** Closing characters of the open containers: `}` for objects, `]` for arrays. */
    const open: string[] = [];
    for (;;) {
      this.space();
      const c = this.s[this.i];
      if (c === '{' || c === '[') {
        this.i++;
        this.space();
        const close = c === '{' ? '}' : ']';
        if (this.s[this.i] === close) this.i++;
        else {
          open.push(close);
          if (close === '}') this.key();
          continue;
        }
      } else this.scalar();
      // After a value: close containers or go on with the next member.
      for (;;) {
        const close = open.at(-1);
        if (close === undefined) return;
        this.space();
        const d = this.s[this.i];
        this.i++;
        if (d === close) {
          open.pop();
          continue;
        }
        if (d !== ',') throw new StopAt(this.i - 1);
        if (close === '}') this.key();
        break;
      }
    }
  }

  private key(): void {
    this.space();
    if (this.s[this.i] !== '"') throw new StopAt(this.i);
    this.string();
    this.space();
    if (this.s[this.i] !== ':') throw new StopAt(this.i);
    this.i++;
  }

  private scalar(): void {
    if (this.s[this.i] === '"') return this.string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) throw new StopAt(this.i);
    this.i += m[0].length;
  }

  private string(): void {
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '"') return void this.i++;
      if (c === '\\') this.i++;
      else if (c !== undefined && c < ' ') throw new StopAt(this.i);
      this.i++;
    }
    throw new StopAt(this.i);
  }
}
