/**
 * The service's exit codes. They follow stresslab's table, so a harness that starts the service
 * reads 2 as a bad configuration and 4 as an unreachable database, but the service is its own
 * program and keeps its own copy.
 */
export const ServiceExit = {
  ok: 0,
  badConfig: 2,
  databaseUnreachable: 4,
  internal: 70,
} as const;
