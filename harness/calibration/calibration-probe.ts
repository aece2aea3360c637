import { forkModule } from '../core/process/module-child.ts';

export interface CalibrationSample {
  /** Monotonic time of arrival (the caller's clock, ms). */
  atMs: number;
  /** CPU microseconds one work unit cost. */
  unitCpuUs: number;
}

export interface CalibrationProbe {
  /** Resolves when the probe's first sample can be trusted (JIT warm), or rejects when it cannot start. */
  ready: Promise<void>;
  samples: CalibrationSample[];
  stop(): Promise<void>;
}

/**
 * Starts the calibration probe (probe-main.ts) in a child process; samples are stamped with `now()`.
 * The child dies with its parent (IPC), so a killed run leaves no probe behind.
 */
export function startCalibrationProbe(now: () => number, readyTimeoutMs = 15_000): CalibrationProbe {
  const proc = forkModule('harness/calibration/probe-main', 1_000);
  const { child } = proc;
  const samples: CalibrationSample[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the calibration probe did not start within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the calibration probe exited with code ${code}${proc.stderrTail() ? `: ${proc.stderrTail().trim()}` : ''}`));
    });
    child.on('message', (m: unknown) => {
      const msg = m as { event?: string; unitCpuUs?: number };
      if (msg.event === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (typeof msg.unitCpuUs === 'number' && msg.unitCpuUs > 0) {
        samples.push({ atMs: now(), unitCpuUs: msg.unitCpuUs });
      }
    });
  });
  ready.catch(() => undefined);
  return {
    ready,
    samples,
    stop: () => proc.stop(3_000),
  };
}
