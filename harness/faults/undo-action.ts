import * as z from 'zod';

/**
 * What undoes one step of a fault without the process that injected it: the ledger stores these
 * before the step is taken, so `stresslab faults cleanup` can finish the job after a SIGKILL.
 * Ledger files may hold credentials (database URLs, chaos tokens); they are written mode 0600.
 */
const processId = { pid: z.number().int().positive(), startTime: z.string().nullable() };

export const undoActionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('remove-toxic'),
    toxiproxyUrl: z.string(),
    proxy: z.string(),
    toxic: z.string(),
    /** An embedded server dies with its run, and its toxics with it. */
    embedded: z.boolean(),
  }),
  z.object({ kind: z.literal('enable-proxy'), toxiproxyUrl: z.string(), proxy: z.string(), embedded: z.boolean() }),
  /** `group`: the process leads its own process group (a started target), which goes with it. */
  z.object({ kind: z.literal('kill-process'), ...processId, label: z.string(), group: z.boolean().optional() }),
  z.object({ kind: z.literal('resume-process'), ...processId, group: z.boolean().optional() }),
  /** An embedded PostgreSQL a run started: its postmaster (pid + start time) and throw-away data directory. */
  z.object({ kind: z.literal('stop-postgres-cluster'), ...processId, dir: z.string() }),
  z.object({ kind: z.literal('terminate-backends'), databaseUrl: z.string(), applicationName: z.string() }),
  z.object({ kind: z.literal('run-sql'), databaseUrl: z.string(), sql: z.string(), label: z.string() }),
  z.object({ kind: z.literal('http-request'), method: z.enum(['DELETE', 'POST']), url: z.string(), headers: z.record(z.string(), z.string()) }),
  z.object({ kind: z.literal('run-command'), command: z.string(), timeoutMs: z.number().int().positive(), cwd: z.string() }),
]);

export type UndoAction = z.infer<typeof undoActionSchema>;

/** One line for `faults list` and cleanup reports (no secrets). */
export function describeUndo(a: UndoAction): string {
  switch (a.kind) {
    case 'remove-toxic':
      return `remove toxic ${a.toxic} from proxy ${a.proxy} at ${a.toxiproxyUrl}`;
    case 'enable-proxy':
      return `re-enable proxy ${a.proxy} at ${a.toxiproxyUrl}`;
    case 'kill-process':
      return `kill ${a.label} (pid ${a.pid}${a.group ? ' and its process group' : ''})`;
    case 'resume-process':
      return `resume paused ${a.group ? 'process group of ' : ''}pid ${a.pid} (SIGCONT)`;
    case 'stop-postgres-cluster':
      return `stop the embedded PostgreSQL (pid ${a.pid}) and remove ${a.dir}`;
    case 'terminate-backends':
      return `terminate PostgreSQL backends with application_name ${a.applicationName} at ${redactUrl(a.databaseUrl)}`;
    case 'run-sql':
      return `${a.label} at ${redactUrl(a.databaseUrl)}`;
    case 'http-request':
      return `${a.method} ${a.url}`;
    case 'run-command':
      return `run \`${a.command}\``;
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
