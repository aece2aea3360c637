/**
 * Ctrl-C and SIGTERM during a run: the first one asks for a graceful stop (roll back faults,
 * stop load, write partial results, exit 3); a second one asks to roll back and exit at once.
 */
export interface InterruptHandlers {
  onFirst(signal: NodeJS.Signals): void;
  onSecond(signal: NodeJS.Signals): void;
}

export function installInterrupts(handlers: InterruptHandlers): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count += 1;
    if (count === 1) handlers.onFirst(signal);
    else handlers.onSecond(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
