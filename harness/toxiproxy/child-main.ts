/**
 * The embedded Toxiproxy as a child process of a run (its own event loop, so proxying does not
 * steal time from the load engine). Reports its URL over IPC and exits when the parent goes away
 * (the IPC channel closes even when the parent is SIGKILLed), so no proxy outlives its run.
 */
import { startToxiproxyServer } from './index.ts';

const server = await startToxiproxyServer({ host: '127.0.0.1', port: 0 });
const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('disconnect', () => void stop());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => {
  /* the run decides when its proxy stops: Ctrl-C reaches the whole process group */
});
process.send?.({ event: 'listening', url: server.url, pid: process.pid });
