import { announceReady, helperConfig, runUntilStopped } from './helper-protocol.ts';

/** Allocates `mb` MiB, writing every page so it is resident, ramped linearly over `rampSec`. */
const config = helperConfig<{ mb: number; rampSec: number }>();
const mib = 1024 * 1024;
const chunks: Buffer[] = [];

function allocate(upToMb: number): void {
  while (chunks.length < upToMb) chunks.push(Buffer.allocUnsafeSlow(mib).fill((chunks.length % 251) + 1));
}

// Every allocated chunk was written (fill), so its pages were touched: the fault's evidence.
runUntilStopped(config.maxLifetimeMs, undefined, () => ({ bytesTouched: chunks.length * mib, rssBytes: process.memoryUsage().rss }));
if (config.rampSec <= 0) {
  allocate(config.mb);
  announceReady({ mb: chunks.length });
} else {
  announceReady({ mb: 0, rampSec: config.rampSec });
  const started = Date.now();
  const tick = setInterval(() => {
    const share = Math.min(1, (Date.now() - started) / (config.rampSec * 1000));
    allocate(Math.round(config.mb * share));
    if (share >= 1) clearInterval(tick);
  }, 100);
}
