import { announceReady, helperConfig, runUntilStopped } from './helper-protocol.ts';

/** Busy-loops for dutyPercent of every 100 ms period and sleeps the rest: one core at that load. */
const config = helperConfig<{ dutyPercent: number }>();
const periodMs = 100;
const busyMs = (periodMs * Math.min(100, Math.max(1, config.dutyPercent))) / 100;

function period(): void {
  const end = performance.now() + busyMs;
  let x = 0;
  while (performance.now() < end) x = (x + Math.sqrt(x + 1)) % 1e9;
  // setImmediate at 100%: signals (SIGTERM) must still get a turn of the event loop.
  if (busyMs >= periodMs) setImmediate(period);
  else setTimeout(period, periodMs - busyMs);
}

// Its own CPU time from ready on (not its start-up) is the fault's evidence that the load was applied (docs/fault-effect.md).
let fromReady: NodeJS.CpuUsage | undefined;
runUntilStopped(config.maxLifetimeMs, undefined, () => {
  const used = process.cpuUsage(fromReady);
  return { cpuSeconds: (used.user + used.system) / 1e6 };
});
fromReady = process.cpuUsage();
announceReady({ dutyPercent: config.dutyPercent });
period();
