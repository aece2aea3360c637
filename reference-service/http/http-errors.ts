import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/database-unavailable.ts';
import type { LogEvent } from '../log-event.ts';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The one 400 shape: every problem with its JSON pointer. */
export function badRequest(reply: FastifyReply, message: string, details: ErrorDetail[]): FastifyReply {
  return reply.code(400).send({ error: 'bad_request', message, details: details.slice(0, 100) });
}

export function databaseUnavailable(reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', '1')
    .send({ error: 'database_unavailable', message: 'the database is unreachable; retry later' });
}

interface AjvError {
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** ajv reports a missing or unknown key at its parent; the detail names the key itself. */
function ajvDetails(errors: readonly AjvError[], context: string | undefined): ErrorDetail[] {
  const prefix = context && context !== 'body' ? `/${context}` : '';
  return errors.map((e) => {
    const key = e.params.missingProperty ?? e.params.additionalProperty;
    const path = `${prefix}${e.instancePath}${typeof key === 'string' ? `/${key}` : ''}`;
    const extra = typeof e.params.additionalProperty === 'string' ? ' (unknown key)' : '';
    return { path: path === '' ? '/' : path, message: `${e.message ?? 'is invalid'}${extra}` };
  });
}

const clientErrorNames: Record<number, string> = {
  400: 'bad_request',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

/** Client mistakes are 4xx with a reason, an unreachable database is 503, anything else 500. */
export function makeErrorHandler(log: LogEvent) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    if (err.validation) {
      return badRequest(reply, 'the request does not match its schema', ajvDetails(err.validation as AjvError[], err.validationContext));
    }
    if (isDatabaseUnavailable(err)) {
      log('database_unavailable', { route: req.routeOptions.url, error: err.message });
      return databaseUnavailable(reply);
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: clientErrorNames[status] ?? 'bad_request', message: err.message });
    }
    log('internal_error', { route: req.routeOptions.url, error: err.message, stack: err.stack });
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  };
}
