import path from 'node:path';
import { StresslabError, isStresslabError } from '../../core/stresslab-error.ts';
import { describeAuditSource } from '../../scenario/schema-audit.ts';
import type { AuditSourceSpec } from '../../scenario/schema-audit.ts';
import type { AuditSource } from './audit-source.ts';
import { AuditSecrets } from './audit-templates.ts';
import { commandSource } from './command-source.ts';
import { getSource } from './get-source.ts';
import { httpEndpoint } from './http-endpoint.ts';
import { lookupSource } from './lookup-source.ts';
import { sqlSource } from './sql-source.ts';

export interface AuditSourceContext {
  /** The target's URL, for request lines that give a path (the target itself, not a proxy in front of it). */
  baseUrl: string;
  /** Values of `{{env NAME}}` and of `urlEnv` (process.env in a run). */
  env: Readonly<Record<string, string | undefined>>;
  /** Where a command's relative cwd starts: the scenario file's folder. */
  scenarioDir: string;
}

/**
 * The scenario's audit source, ready to look up: templates and environment resolved now (a missing
 * variable is BAD_SCENARIO before the load, exit 2), connections opened only on the first lookup.
 * Everything the source says (error messages, the body excerpts they quote) passes through the
 * secrets it was given, so no token, password or database URL reaches a record, report or log.
 */
export function createAuditSource(spec: AuditSourceSpec, ctx: AuditSourceContext): AuditSource {
  const secrets = new AuditSecrets(ctx.env);
  const label = describeAuditSource(spec);
  return redacting(build(spec, ctx, secrets, label), secrets);
}

function build(spec: AuditSourceSpec, ctx: AuditSourceContext, secrets: AuditSecrets, label: string): AuditSource {
  switch (spec.kind) {
    case 'lookup':
    case 'get': {
      const headers = resolveRecord(spec.headers, 'headers', secrets);
      secrets.addHeaders(headers);
      const line = secrets.resolve(spec.request, 'request');
      secrets.addUrlCredentials(line);
      const endpoint = httpEndpoint(line, ctx.baseUrl, 'request');
      return spec.kind === 'lookup' ? lookupSource(spec, endpoint, headers, label) : getSource(spec, endpoint, headers, label);
    }
    case 'sql': {
      const url = ctx.env[spec.urlEnv];
      if (url === undefined || url === '') {
        throw new StresslabError('BAD_SCENARIO', `audit.executions.source.urlEnv names ${spec.urlEnv}, which is not set`, {
          problems: [{ path: 'audit.executions.source.urlEnv', message: `${spec.urlEnv} is not set` }],
          hint: `export ${spec.urlEnv}=postgres://user:password@host:5432/db before running`,
        });
      }
      secrets.add(url);
      return sqlSource(spec, url, label);
    }
    case 'command': {
      const argv = spec.argv.map((a, i) => secrets.resolve(a, `argv[${i}]`));
      const env = { ...process.env, ...resolveRecord(spec.env, 'env', secrets) };
      return commandSource(spec, { argv, env, cwd: path.resolve(ctx.scenarioDir, spec.cwd ?? '.') }, label);
    }
  }
}

function resolveRecord(values: Readonly<Record<string, string>>, where: string, secrets: AuditSecrets): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, secrets.resolve(v, `${where}.${k}`)]));
}

/** The source with every error it throws or reports passed through the secrets. */
function redacting(source: AuditSource, secrets: AuditSecrets): AuditSource {
  return {
    kind: source.kind,
    label: source.label,
    async lookup(ids, signal) {
      try {
        const answer = await source.lookup(ids, signal);
        return answer.error === null ? answer : { ...answer, error: secrets.redact(answer.error) };
      } catch (e) {
        throw redactError(e, secrets);
      }
    },
    close: () => source.close(),
  };
}

function redactError(e: unknown, secrets: AuditSecrets): unknown {
  if (!isStresslabError(e)) return e instanceof Error ? Object.assign(new Error(secrets.redact(e.message)), { code: (e as NodeJS.ErrnoException).code }) : e;
  const hint = e.hint === undefined ? {} : { hint: secrets.redact(e.hint) };
  return new StresslabError(e.code, secrets.redact(e.message), {
    ...hint,
    problems: e.problems.map((p) => ({ ...p, message: secrets.redact(p.message) })),
  });
}
