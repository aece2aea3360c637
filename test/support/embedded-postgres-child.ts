/**
 * A harness-like owner of an embedded cluster for the orphan-sweep test: starts one, prints its port
 * as `READY <port>`, then waits to be SIGKILLed (so its exit hook never runs).
 */
import { startEmbeddedPostgres } from '../../process-kit/postgres/embedded-postgres.ts';

const pg = await startEmbeddedPostgres();
process.stdout.write(`READY ${pg.port}\n`);
setInterval(() => undefined, 60_000);
