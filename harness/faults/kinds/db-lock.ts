import * as z from 'zod';
import { StresslabError } from '../../core/stresslab-error.ts';
import { defineFaultKind } from '../fault-kind.ts';
import { databaseText, databaseUrlEnvParam } from '../fault-params.ts';
import { pgHolderDriver } from '../pg-holder-fault.ts';

export const LOCK_MODES = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'] as const;

/** `LOCK TABLE … IN <mode> MODE` held in an open transaction: conflicting statements queue behind it. */
export const dbLock = defineFaultKind({
  kind: 'db-lock',
  params: { table: z.string().min(1), mode: z.enum(LOCK_MODES).default('ACCESS EXCLUSIVE'), databaseUrlEnv: databaseUrlEnvParam },
  recoveryAnchor: 'removal',
  describe: (p) => `${p.mode} lock held on table ${p.table}`,
  touches: (p) => [{ category: 'database', text: `holds LOCK TABLE ${p.table} IN ${p.mode} MODE in an open transaction on ${databaseText(p)}, rolls it back after` }],
  create(event, ctx) {
    const p = event.params;
    // The mode is spliced into SQL, so it is checked against the list even though the schema did.
    if (!(LOCK_MODES as readonly string[]).includes(p.mode)) {
      throw new StresslabError('BAD_SCENARIO', `Unknown lock mode "${p.mode}"`, { hint: `Use one of: ${LOCK_MODES.join(', ')}` });
    }
    return pgHolderDriver(event, ctx, { mode: 'lock', table: p.table, lockMode: p.mode }, p.databaseUrlEnv);
  },
});
