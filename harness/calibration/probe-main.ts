/**
 * The calibration probe as a child process of a run: every 100 ms it times two fixed work units by
 * its own CPU time (a process of its own, so the harness's CPU does not count) and sends the cost
 * over IPC. About 2.5 % of one core. Exits when the parent goes away.
 */
import { calibrationUnit, measureUnits } from './calibration-work.ts';

const PERIOD_MS = 100;
const UNITS = 2;

// Warm the JIT so the first samples measure the machine, not the compiler.
for (let i = 0; i < 300; i++) calibrationUnit();
const timer = setInterval(() => process.send?.({ unitCpuUs: measureUnits(UNITS) }), PERIOD_MS);
const stop = (): void => {
  clearInterval(timer);
  process.exit(0);
};
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', () => {
  /* the run stops its probe: Ctrl-C reaches the whole process group */
});
process.send?.({ event: 'ready' });
