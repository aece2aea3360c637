import { compileTemplate } from '../../core/template.ts';
import type { TemplateProblem, TemplateScope } from '../../core/template.ts';
import { collectSecrets, redactText } from '../../core/redact.ts';
import { StresslabError } from '../../core/stresslab-error.ts';

/**
 * The audit's settings resolved once, before the load (a missing variable is bad input then, not an
 * audit error after it). Every value read through `{{env NAME}}` counts as a secret, whatever it
 * holds: the audit's labels keep the templates as written, so nothing of what the environment held
 * needs to be shown, and the secrets collected here are cut out of every message the source makes.
 */
export class AuditSecrets {
  readonly #values = new Set<string>();
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#env = env;
  }

  /** `text` with its `{{env NAME}}` filled in; `where` names the setting for the error when NAME is not set. */
  resolve(text: string, where: string): string {
    const problems: TemplateProblem[] = [];
    const template = compileTemplate(text, problems);
    // The schema admits only {{env NAME}}; anything else reaching here is a bug of the schema.
    if (problems[0]) throw new Error(`audit setting ${where}: ${problems[0].message}`);
    for (const name of template.envNames) {
      const value = this.#env[name];
      if (value === undefined) {
        throw new StresslabError('BAD_SCENARIO', `audit.executions.source.${where} uses {{env ${name}}} but ${name} is not set`, {
          problems: [{ path: `audit.executions.source.${where}`, message: `${name} is not set` }],
          hint: `export ${name}=… before running (it is read once, before the load)`,
        });
      }
      this.add(value);
    }
    return template.render(this.#scope) ?? '';
  }

  /** A value to hide (and, for a URL, its password and credential parameters). */
  add(value: string): void {
    this.#values.add(value);
    for (const s of collectSecrets({ urls: [value] })) this.#values.add(s);
  }

  /** Credentials written literally into a URL (`user:password@`, `?token=`) are secrets too. */
  addUrlCredentials(text: string): void {
    for (const url of text.match(/[a-z][a-z0-9+.-]*:\/\/\S+/gi) ?? []) for (const s of collectSecrets({ urls: [url] })) this.#values.add(s);
  }

  /** Credential headers' values are secrets even when written literally in the scenario. */
  addHeaders(headers: Readonly<Record<string, string>>): void {
    for (const s of collectSecrets({ headers })) this.#values.add(s);
  }

  get values(): readonly string[] {
    return [...this.#values];
  }

  redact(text: string): string {
    return redactText(text, this.values);
  }

  readonly #scope: TemplateScope = {
    rng: () => 0,
    nextSeq: () => 0,
    captured: () => undefined,
    env: (name) => this.#env[name],
  };
}
