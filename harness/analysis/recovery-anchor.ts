/**
 * Which instant a fault's time to recover counts from (measurement.md §2.7 step 6):
 * - `injection` (TTR_inj = t(recovery) − t_inject) for faults the system is expected to absorb
 *   while they are still active: a restart, a failover, retries, load shedding;
 * - `removal` (TTR_rem = max(0, t(recovery) − t_remove)) for faults nothing can absorb until they
 *   go away: the time measured is reconnection, pool refill, queue drain after the cause is gone.
 * The recovery instant itself is the same for both; only the reference point differs.
 */
export type RecoveryAnchor = 'injection' | 'removal';

/** Default anchor per fault kind (issue 4's catalogue); a scenario may override it per fault. */
export const recoveryAnchorByKind: Readonly<Record<string, RecoveryAnchor>> = {
  // Network toxics on a proxy: traffic through it cannot be healthy while the toxic is there.
  'net-latency': 'removal',
  'net-jitter': 'removal',
  'net-bandwidth': 'removal',
  'net-timeout': 'removal',
  'net-partition': 'removal',
  'net-limit-data': 'removal',
  // Resets, slicing and flaky toxics are survivable with client retries and reconnects.
  'net-reset': 'injection',
  'net-slicer': 'injection',
  'net-flaky': 'injection',
  // Database unreachable or slow: the target can only answer 503 until the database is back.
  'db-latency': 'removal',
  'db-down': 'removal',
  'db-timeout': 'removal',
  'db-pool-exhaustion': 'removal',
  'db-lock': 'removal',
  'db-slow-statements': 'removal',
  // Killed backends are a one-shot event: the pool should reconnect while the fault is "active".
  'db-kill-backends': 'injection',
  // A well-provisioned target should keep serving under host memory and CPU contention.
  'memory-pressure': 'injection',
  'cpu-hog': 'injection',
  // A killed process is restarted by the harness or a supervisor; recovery includes that restart.
  'process-kill': 'injection',
  // A stopped process cannot answer until SIGCONT, i.e. until removal.
  'process-pause': 'removal',
  // Unknown effect (docker/kubectl commands): measure from removal, the conservative choice.
  exec: 'removal',
};

/** The anchor for a fault: an explicit override, else the kind's default, else `removal`. */
export function recoveryAnchorFor(kind: string, override?: RecoveryAnchor): RecoveryAnchor {
  return override ?? recoveryAnchorByKind[kind] ?? 'removal';
}
