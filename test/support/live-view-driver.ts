/**
 * Drives createLiveView on this process's real stdout for test/integration/cli/live-view-pty.test.ts:
 * under `script` (a pseudo-terminal) stdout is a TTY, in a pipe it is not. Prints the isTTY it saw
 * first, so the test knows which mode it exercised. Argument: the number of frames.
 */
import { createLiveView } from '../../harness/cli/live-view.ts';
import type { LiveState } from '../../harness/cli/live-view.ts';

const frames = Number(process.argv[2] ?? '5');
process.stdout.write(`isTTY=${String(Boolean(process.stdout.isTTY))} columns=${process.stdout.columns ?? 'none'}\n`);
let nowMs = 0;
const view = createLiveView(
  { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns },
  { intervalMs: 1000, nowMs: () => nowMs },
);
for (let i = 0; i < frames; i++) {
  nowMs = i * 1000;
  const state: LiveState = {
    elapsedMs: nowMs,
    totalMs: frames * 1000,
    rps: 100 + i,
    p95Ms: 10 + i,
    errorRate: i === 2 ? 0.25 : 0,
    activeFault: i >= 2 && i < 4 ? { name: 'net-latency#1', kind: 'net-latency', remainingMs: (4 - i) * 1000 } : null,
    recovery: i >= 4 ? 'recovering 1/5 healthy s' : null,
    phase: 'steady',
  };
  view.update(state);
  if (i === 2) view.print('fault net-latency#1 injected');
}
view.stop();
process.stdout.write('done\n');
