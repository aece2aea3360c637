import { StresslabError } from '../core/stresslab-error.ts';
import type { FaultKindModule } from './fault-kind.ts';
import { paramsOf } from './fault-kind.ts';
import { LOCK_MODES } from './fault-spec-schema.ts';
import { pgHolderDriver } from './pg-holder-fault.ts';

/** `LOCK TABLE … IN <mode> MODE` held in an open transaction: conflicting statements queue behind it. */
export const dbLock: FaultKindModule<'db-lock'> = {
  kind: 'db-lock',
  describe: (p) => `${p.mode} lock held on table ${p.table}`,
  create(event, ctx) {
    const p = paramsOf(event, 'db-lock');
    // The mode is spliced into SQL, so it is checked against the list even though the schema did.
    if (!(LOCK_MODES as readonly string[]).includes(p.mode)) {
      throw new StresslabError('BAD_SCENARIO', `Unknown lock mode "${p.mode}"`, { hint: `Use one of: ${LOCK_MODES.join(', ')}` });
    }
    return pgHolderDriver(event, ctx, { mode: 'lock', table: p.table, lockMode: p.mode }, p.databaseUrlEnv);
  },
};
