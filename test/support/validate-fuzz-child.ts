import { runValidateFuzz } from './validate-fuzz.ts';
import type { FuzzChildReply, FuzzChildRequest } from './validate-fuzz.ts';

/**
 * One worker of validateFuzzPool: runs the jobs the parent sends over IPC, one at a time, and
 * reports each finished batch (the parent's watchdog) and each job's report. It exits when the
 * parent closes the channel or goes away.
 */
const send = (reply: FuzzChildReply): void => void process.send?.(reply);

process.on('message', (message: FuzzChildRequest) => {
  runValidateFuzz({ ...message.options, onBatch: () => send({ id: message.id, kind: 'batch' }) }).then(
    (report) => send({ id: message.id, kind: 'done', report }),
    (e: unknown) => send({ id: message.id, kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ id: -1, kind: 'ready' });
