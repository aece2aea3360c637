/**
 * A harness-like process for the SIGKILL test: injects the faults given as JSON in argv[2] through the
 * real fault runner (ledger beside "the run" and the machine ledger of $STRESSLAB_STATE_DIR), prints
 * `ALL_ACTIVE` once every one is in, then waits to be killed.
 */
import { Toxiproxy } from 'toxiproxy-node-client';
import { FaultLedger } from '../../harness/faults/fault-ledger.ts';
import { runFaultSchedule } from '../../harness/faults/fault-runner.ts';
import { machineLedgerPath } from '../../harness/faults/ledger-store.ts';
import type { PlannedFault } from '../../harness/faults/index.ts';
import { monotonicClock } from '../../harness/core/clock.ts';

interface ChildConfig {
  runId: string;
  runLedger: string;
  toxiproxyUrl: string;
  databaseUrl: string;
  events: PlannedFault[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
let injected = 0;
void runFaultSchedule(config.events, {
  ctx: {
    toxiproxy: new Toxiproxy(config.toxiproxyUrl),
    toxiproxyUrl: config.toxiproxyUrl,
    toxiproxyEmbedded: false,
    proxies: {},
    databaseUrl: config.databaseUrl,
    target: { baseUrl: 'http://127.0.0.1:1', managed: null },
    ledger: new FaultLedger({ runId: config.runId, runFile: config.runLedger, machineFile: machineLedgerPath() }),
    log: (msg) => process.stderr.write(`${msg}\n`),
  },
  clock: monotonicClock(),
  signal: new AbortController().signal,
  onEvent: (e) => {
    process.stderr.write(`${JSON.stringify(e)}\n`);
    if (e.event === 'fault-inject' && ++injected === config.events.length) process.stdout.write('ALL_ACTIVE\n');
  },
});
