import type { StresslabCommand } from './command.ts';

/**
 * Every CLI command, in the order `--help` lists them: its usage and one-line description here, its
 * options and behaviour in its own module, loaded only when it is the command being run (or a
 * command's --help). A CLI call imports one command's dependencies, not all fourteen's: the
 * PostgreSQL driver, HTTP client, proxy and report renderer cost ~0.5 s of start-up together.
 */
export interface CommandListing {
  /** yargs' command string: the name, then its positionals. */
  command: string;
  describe: string;
  load(): Promise<StresslabCommand<never>>;
}

/** A command module's loader, its argument type erased: main hands it the arguments yargs parsed with its own builder. */
function lazy<A>(load: () => Promise<StresslabCommand<A>>): () => Promise<StresslabCommand<never>> {
  return load as unknown as () => Promise<StresslabCommand<never>>;
}

export const commands: readonly CommandListing[] = [
  {
    command: 'run <scenario>',
    describe: 'Run a scenario (a preset name or a file) and write reports/<scenario>/<run-id>/',
    load: lazy(async () => (await import('./run-command.ts')).runCommand),
  },
  {
    command: 'list',
    describe: 'List the preset scenarios with one-line descriptions',
    load: lazy(async () => (await import('./list-command.ts')).listCommand),
  },
  {
    command: 'plan <scenario>',
    describe: 'Show the timeline of load phases and fault injections of a scenario (touches no network)',
    load: lazy(async () => (await import('./plan-command.ts')).planCommand),
  },
  {
    command: 'validate <files..>',
    describe: 'Check scenario files (and each of their profiles) against the schema; exit 2 on any problem',
    load: lazy(async () => (await import('./validate-command.ts')).validateCommand),
  },
  {
    command: 'baseline <action> [targets..]',
    describe: 'Record, update (promote runs into) or show the baseline of a scenario: baselines/<env>/<scenario>[.<profile>].json',
    load: lazy(async () => (await import('./baseline-command.ts')).baselineCommand),
  },
  {
    command: 'compare <current> <reference>',
    describe: 'Compare a result with a baseline (or with another result) and print the regression table; exit 1 on a gated regression',
    load: lazy(async () => (await import('./compare-command.ts')).compareCommand),
  },
  {
    command: 'ab <scenario>',
    describe:
      'Interleaved A/B gate: run the scenario against build A (the last release) and build B (the candidate) alternately (AB, BA, …), ' +
      'then judge B against A pair by pair with the regression gate\'s tolerance and verdicts. Writes every run\'s directory; the newest B run ' +
      'carries the A/B verdict (result.json, reports, ab.json). Exits like `run`.',
    load: lazy(async () => (await import('./ab-command.ts')).abCommand),
  },
  {
    command: 'merge <runDirs..>',
    describe:
      'Merge the run directories of the parts of one load (`stresslab run … --segment i/N` on N machines) into one run: ' +
      'seconds merged (HDR histograms, never averaged percentiles), part 1\'s faults and probes, the audits added; then judged as a whole ' +
      '(thresholds, the regression gate, recovery), with result.json, the reports and a history line. Exits with the verdict\'s code, like `run`.',
    load: lazy(async () => (await import('./merge-command.ts')).mergeCommand),
  },
  {
    command: 'report [runDir]',
    describe:
      'Re-render report.md, report.html and junit.xml of a run from its result.json and timeline.jsonl, or a history trend page. ' +
      'With --reanalyze, compute result.json again from the run record (record.json + timeline.jsonl): thresholds, recovery and the verdict, ' +
      'from the scenario file the run used or from --scenario, without running anything. Regressions are carried over from the existing ' +
      'result.json as they are (they compare with a baseline and other runs that reanalysis does not have). Exits with the verdict\'s code.',
    load: lazy(async () => (await import('./report-command.ts')).reportCommand),
  },
  {
    command: 'history <action> <file>',
    describe:
      'check: change points in a run history (history.jsonl) per scenario, profile and metric (E-divisive means with a t-test, as Apache Otava), ' +
      'and whether the newest runs are worse than the ones before them. Exit 0 no regression (or too few runs to say), 1 regression, 2 bad input',
    load: lazy(async () => (await import('./history-command.ts')).historyCommand),
  },
  {
    command: 'k6 <action> <inputs..>',
    describe: 'export: a scenario as a k6 script + k6-operator TestRun; import: k6 summaries (one per pod) as a result.json',
    load: lazy(async () => (await import('./k6-command.ts')).k6Command),
  },
  {
    command: 'faults <action>',
    describe: 'List faults still active according to the rollback ledger, or remove what a killed run left',
    load: lazy(async () => (await import('./faults-command.ts')).faultsCommand),
  },
  {
    command: 'reference-service',
    describe: 'Run the reference validation and execution service (embedded PostgreSQL unless DATABASE_URL is set)',
    load: lazy(async () => (await import('./reference-service-command.ts')).referenceServiceCommand),
  },
  {
    command: 'toxiproxy',
    describe: 'Run the embedded Toxiproxy-compatible server (HTTP API + TCP proxies) until interrupted',
    load: lazy(async () => (await import('./toxiproxy-command.ts')).toxiproxyCommand),
  },
];

/** The listing of the command `argv` names (its first word that is not a flag), or null. */
export function selectedCommand(argv: readonly string[]): CommandListing | null {
  const first = argv.find((a) => !a.startsWith('-'));
  return commands.find((c) => commandName(c) === first) ?? null;
}

/** The positional arguments of a command's usage: `run <scenario>` → scenario, `merge <runDirs..>` → runDirs. */
export function positionalsOf(c: CommandListing): string[] {
  return [...c.command.matchAll(/[<[]([\w-]+)(?:\.\.)?[>\]]/g)].map((m) => m[1] as string);
}

export function commandName(c: CommandListing): string {
  return c.command.split(' ')[0] ?? c.command;
}
