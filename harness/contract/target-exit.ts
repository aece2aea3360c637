import * as z from 'zod';
import { formatClockSeconds } from '../core/duration.ts';

/**
 * An exit of the managed target's process during the load (`targetExits` in result.json, from the
 * timeline's `target-exit` events). `expected`: a fault asked for it and the target was running
 * again by the end of the load; any other exit is a death of the target, a reason of the verdict.
 */
export const targetExitSchema = z.object({
  atMs: z.number(),
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
  expected: z.boolean(),
});
export type TargetExit = z.infer<typeof targetExitSchema>;

/** "signal SIGKILL" or "code 1": how the target exited, for reasons and the live view. */
export function exitHow(exit: Pick<TargetExit, 'code' | 'signal'>): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code ?? '?'}`;
}

/** "0:15", "1:02:03": a run-clock time as people read it (whole seconds, rounded down). */
export function runClock(atMs: number): string {
  return formatClockSeconds(Math.floor(atMs / 1000));
}

/** "the target exited with signal SIGKILL at 0:15": the verdict's reason for an unexpected exit. */
export function describeTargetExit(exit: TargetExit): string {
  return `the target exited with ${exitHow(exit)} at ${runClock(exit.atMs)}`;
}

/** Whether a run's target died: an exit no fault asked for (result.json `targetExits`, absent in older results). */
export function targetDied(exits: readonly TargetExit[] | undefined): boolean {
  return (exits ?? []).some((x) => !x.expected);
}
