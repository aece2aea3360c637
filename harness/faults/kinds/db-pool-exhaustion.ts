import * as z from 'zod';
import { defineFaultKind } from '../fault-kind.ts';
import { databaseText, databaseUrlEnvParam } from '../fault-params.ts';
import { pgHolderDriver } from '../pg-holder-fault.ts';

/**
 * Holds `connections` idle sessions (or as many as the server, role or database limit allows):
 * the target's pool cannot open new connections while they are held.
 */
export const dbPoolExhaustion = defineFaultKind({
  kind: 'db-pool-exhaustion',
  params: { connections: z.number().int().min(1).max(10_000).meta({ description: 'Connections to open and hold.' }), databaseUrlEnv: databaseUrlEnvParam },
  recoveryAnchor: 'removal',
  describe: (p) => `${p.connections} PostgreSQL connections held`,
  touches: (p) => [{ category: 'database', text: `opens and holds ${p.connections} connections to ${databaseText(p)}, closes them after` }],
  create: (event, ctx) => pgHolderDriver(event, ctx, { mode: 'connections', count: event.params.connections }, event.params.databaseUrlEnv),
});
