import * as z from 'zod';
import { durationSchema } from '../core/duration.ts';
import { redactText } from '../core/redact.ts';
import { nameSchema } from '../core/scalar-schemas.ts';

/**
 * The integrity audit's section (docs/integrity.md): which captured ids are accepted executions,
 * which states are terminal, how long to wait, and the **source** that tells each id's state after
 * the load: a batch endpoint (`lookup`), one request per id (`get`), a read-only SQL query (`sql`)
 * or a program (`command`). The schema resolves it: durations in ms, every default applied, and the
 * shorthand `lookup: "POST /path"` turned into the reference service's lookup source, so the runner
 * sees one shape. Settings take `{{env NAME}}` (and nothing else): resolved once before the load,
 * and their values are treated as secrets (harness/run/audit/audit-templates.ts).
 */

const ENV_TOKEN = /^env\s+[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const ENV_HINT = 'write {{env NAME}} to read a value (a token, a host) from the environment; other templates have no meaning after the load';

/** A string whose only templates are `{{env NAME}}`. */
const envTemplated = z.string().superRefine((v, ctx) => {
  for (const m of v.matchAll(/\{\{(.*?)\}\}/g)) {
    if (!ENV_TOKEN.test((m[1] ?? '').trim())) ctx.addIssue({ code: 'custom', message: `${m[0]} is not allowed in audit settings`, params: { hint: ENV_HINT } });
  }
  if (v.replace(/\{\{.*?\}\}/g, '').includes('{{')) ctx.addIssue({ code: 'custom', message: `unclosed "{{" in "${v}"`, params: { hint: 'close every template with "}}"' } });
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name, e.g. JOBS_DATABASE_URL' });

/** "a.b.0.c" into a JSON value; "" is the whole value. */
const jsonPath = z.string().regex(/^(?:[^.\s]+(?:\.[^.\s]+)*)?$/, { message: 'must be a dotted path such as "data.items" or "status" ("" for the whole body)' });
const fieldPath = jsonPath.min(1, { message: 'must name a field, e.g. "status"' });

const headers = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { message: 'must be a header name' }), envTemplated).default({}).meta({
  description: 'Request headers; values may use {{env NAME}} (treated as secrets: redacted in every output).',
});

/** "METHOD /path" or "METHOD http(s)://host/path"; the URL part may start with {{env NAME}}. */
function requestLine(methods: readonly string[], example: string) {
  const re = new RegExp(`^(${methods.join('|')}) (/\\S*|https?://\\S+|\\{\\{\\s*env\\s+[A-Za-z0-9_.-]+\\s*\\}\\}\\S*)$`);
  return envTemplated.regex(re, { message: `must be "${methods.join('|')} /path" or "${methods[0]} http://host/path", e.g. "${example}"` });
}

/** Where a record's fields are, each a JSON path in the record. */
const recordFields = {
  state: fieldPath.default('state').meta({ description: "JSON path of the execution's state in a record." }),
  attempts: fieldPath.optional().meta({ description: 'JSON path of its attempt count (optional).' }),
  effects: fieldPath.optional().meta({ description: 'JSON path of how many times its effect was applied (optional; more than 1 is a duplicate).' }),
};

const lookupSource = z
  .strictObject({
    kind: z.literal('lookup'),
    request: requestLine(['POST', 'PUT'], 'POST /api/jobs/search').meta({ description: 'The batch endpoint; the ids go in a JSON body.' }),
    headers,
    body: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Further fields of the request body (the ids are set at idsAt).' }),
    idsAt: fieldPath.default('ids').meta({ description: 'Where the id array goes in the body: "ids" sends {"ids": [...]}, "filter.jobIds" nests it.' }),
    batchSize: z.number().int().min(1).max(10_000).default(1000),
    concurrency: z.number().int().min(1).max(64).default(4),
    timeout: durationSchema.prefault('30s').meta({ description: 'Per request: no answer headers, or no body data, for this long.' }),
    response: z.strictObject({
      records: jsonPath.meta({ description: 'JSON path of the records: an array of records, or an object keyed by id (null for unknown); "" for the whole body.' }),
      id: fieldPath.default('id').meta({ description: "JSON path of a record's id (array records only)." }),
      ...recordFields,
    }),
  })
  .transform(({ timeout, ...s }) => ({ ...s, timeoutMs: timeout }));

const getSource = z
  .strictObject({
    kind: z.literal('get'),
    request: requestLine(['GET'], 'GET /api/jobs/{id}')
      .refine((v) => /(?<!\{)\{id\}(?!\})/.test(v), { message: 'must contain {id} where the id goes, e.g. "GET /api/jobs/{id}"' })
      .meta({ description: 'One request per id; {id} is replaced by the URL-encoded id.' }),
    headers,
    response: z.strictObject(recordFields).prefault({}),
    notFound: z.array(z.number().int().min(400).max(499)).min(1).default([404]).meta({ description: 'Statuses that mean the id is unknown (lost).' }),
    concurrency: z.number().int().min(1).max(256).default(16).meta({ description: 'Requests in flight.' }),
    rate: z.number().positive().max(100_000).optional().meta({ description: 'At most this many requests per second (default: no limit beyond concurrency).' }),
    timeout: durationSchema.prefault('10s').meta({ description: 'Per request: no answer headers, or no body data, for this long.' }),
    retries: z.number().int().min(0).max(10).default(4).meta({ description: 'Retries of a request after 429, 408, 5xx or a connection error.' }),
    backoff: durationSchema.prefault('200ms').meta({ description: 'First retry delay; doubles each retry up to maxBackoff. A Retry-After header is honoured.' }),
    maxBackoff: durationSchema.prefault('5s'),
  })
  .transform(({ timeout, backoff, maxBackoff, ...s }) => ({ ...s, timeoutMs: timeout, backoffMs: backoff, maxBackoffMs: maxBackoff }));

const sqlSource = z
  .strictObject({
    kind: z.literal('sql'),
    urlEnv: envName.meta({ description: 'The environment variable holding the PostgreSQL URL (never the URL itself: it carries a password).' }),
    query: z
      .string()
      .regex(/^\s*(select|with)\b/i, { message: 'must be a SELECT (or WITH … SELECT) query' })
      .regex(/\$1(?!\d)/, { message: 'must take the ids as $1, e.g. "… WHERE id = ANY($1)"' })
      .meta({ description: 'Run in a READ ONLY transaction with $1 = an array of ids; columns id, state and optionally attempts, effects.' }),
    chunkSize: z.number().int().min(1).max(100_000).default(5000).meta({ description: 'Ids per query.' }),
    statementTimeout: durationSchema.prefault('30s').meta({ description: 'PostgreSQL statement_timeout of each query.' }),
  })
  .transform(({ statementTimeout, ...s }) => ({ ...s, statementTimeoutMs: statementTimeout }));

const commandSource = z
  .strictObject({
    kind: z.literal('command'),
    argv: z.array(envTemplated.min(1)).min(1).meta({ description: 'Program and arguments (no shell). It reads {"id": "…"} JSON lines on stdin and prints {"id", "state", "attempts"?, "effects"?} JSON lines.' }),
    cwd: z.string().min(1).optional().meta({ description: "Working directory, relative to the scenario file's folder (default that folder)." }),
    env: z.record(envName, envTemplated).default({}).meta({ description: "Added to the harness's environment; values may use {{env NAME}} (treated as secrets)." }),
    timeout: durationSchema.prefault('60s').meta({ description: 'Per invocation; past it the program (its process group) is killed.' }),
    chunkSize: z.number().int().min(1).max(1_000_000).default(10_000).meta({ description: 'Ids per invocation.' }),
  })
  .transform(({ timeout, ...s }) => ({ ...s, timeoutMs: timeout }));

export const auditSourceSchema = z.discriminatedUnion('kind', [lookupSource, getSource, sqlSource, commandSource]);
export type AuditSourceSpec = z.output<typeof auditSourceSchema>;
export type AuditSourceKind = AuditSourceSpec['kind'];
export type AuditSourceOf<K extends AuditSourceKind> = Extract<AuditSourceSpec, { kind: K }>;

const REFERENCE_LOOKUP = 'POST /v1/executions/lookup';

/** The reference service's lookup (`{"ids": [...]}` → `{"executions": {id: {state, attempts, effects} | null}}`): what the shorthand means. */
export function referenceLookupSource(request = REFERENCE_LOOKUP, batchSize = 1000, concurrency = 4): AuditSourceOf<'lookup'> {
  return {
    kind: 'lookup',
    request,
    headers: {},
    body: {},
    idsAt: 'ids',
    batchSize,
    concurrency,
    timeoutMs: 30_000,
    response: { records: 'executions', id: 'id', state: 'state', attempts: 'attempts', effects: 'effects' },
  };
}

const SHORTHAND_ONLY = ['lookup', 'batchSize', 'concurrency'] as const;

export const auditSchema = z.strictObject({
  executions: z
    .strictObject({
      source: auditSourceSchema.optional().meta({ description: 'Where the audit reads each execution: kind lookup, get, sql or command (default: the reference service lookup).' }),
      lookup: z
        .string()
        .regex(/^(POST|PUT) \/\S*$/, { message: 'must be "POST /path" or "PUT /path" (the ids go in a JSON body); for one GET per id use "source": {"kind": "get", …}' })
        .optional()
        .meta({ description: `Shorthand for the reference service's lookup at this endpoint (default "${REFERENCE_LOOKUP}"); not with source.` }),
      capture: nameSchema.meta({ description: 'The capture variable holding the accepted execution ids.' }),
      terminal: z.array(z.string().min(1)).min(1).default(['succeeded', 'dead_lettered']),
      graceSeconds: z.number().nonnegative().default(60).meta({ description: 'How long to keep looking up executions not terminal yet (and unknown ones) after the first lookup.' }),
      batchSize: z.number().int().min(1).max(10_000).optional().meta({ description: 'With the lookup shorthand: ids per request (default 1000).' }),
      concurrency: z.number().int().min(1).max(64).optional().meta({ description: 'With the lookup shorthand: requests in flight (default 4).' }),
    })
    .superRefine((e, ctx) => {
      if (e.source === undefined) return;
      for (const key of SHORTHAND_ONLY) {
        if (e[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" belongs to the lookup shorthand and cannot be used with "source"`, params: { hint: key === 'lookup' ? 'remove it: the source says where to look' : `move it into "source" (where its kind takes one)` } });
        }
      }
    })
    .transform(({ source, lookup, batchSize, concurrency, graceSeconds, ...e }) => ({
      ...e,
      graceMs: Math.round(graceSeconds * 1000),
      source: source ?? referenceLookupSource(lookup, batchSize, concurrency),
    })),
});

/** The resolved `audit.executions` section. */
export type AuditSpec = z.output<typeof auditSchema>['executions'];

/**
 * One line for plans and messages: the kind and what it asks, without secrets: templates stay as
 * written, and credentials written into a URL (`user:password@`, `?token=`) are redacted.
 */
export function describeAuditSource(s: AuditSourceSpec): string {
  return redactText(sourceLine(s));
}

function sourceLine(s: AuditSourceSpec): string {
  switch (s.kind) {
    case 'lookup':
      return `lookup ${s.request}`;
    case 'get':
      return `get ${s.request}`;
    case 'sql':
      return `sql on $${s.urlEnv}`;
    case 'command':
      return `command ${s.argv.join(' ')}`;
  }
}
