/** One bad environment variable: its name and what is wrong with it. */
export interface ConfigProblem {
  /** The environment variable, e.g. `WORKERS`. */
  path: string;
  message: string;
}

/** The service's configuration is invalid: every problem at once, printed by main.ts (exit 2). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  readonly hint: string;

  constructor(message: string, problems: readonly ConfigProblem[], hint: string) {
    super(message);
    this.problems = problems;
    this.hint = hint;
  }

  /** The text printed to a person: the message, one line per variable, the hint. */
  format(): string {
    return [this.message, ...this.problems.map((p) => `  ${p.path}: ${p.message}`), `hint: ${this.hint}`].join('\n');
  }
}
