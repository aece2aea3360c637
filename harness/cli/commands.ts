import type { StresslabCommand } from './command.ts';
import { runCommand } from './run-command.ts';
import { listCommand } from './list-command.ts';
import { planCommand } from './plan-command.ts';
import { validateCommand } from './validate-command.ts';
import { toxiproxyCommand } from './toxiproxy-command.ts';
import { referenceServiceCommand } from './reference-service-command.ts';
import { reportCommand } from './report-command.ts';
import { historyCommand } from './history-command.ts';
import { k6Command } from './k6-command.ts';
import { faultsCommand } from './faults-command.ts';
import { baselineCommand } from './baseline-command.ts';
import { compareCommand } from './compare-command.ts';
import { mergeCommand } from './merge-command.ts';
import { abCommand } from './ab-command.ts';

/** Every CLI command, in the order `--help` lists them. */
export const commands: ReadonlyArray<StresslabCommand<never>> = [
  runCommand,
  listCommand,
  planCommand,
  validateCommand,
  baselineCommand,
  compareCommand,
  abCommand,
  mergeCommand,
  reportCommand,
  historyCommand,
  k6Command,
  faultsCommand,
  referenceServiceCommand,
  toxiproxyCommand,
] as unknown as ReadonlyArray<StresslabCommand<never>>;
