import type { IncomingMessage, ServerResponse } from 'node:http';
import { toApiError } from './api-error.ts';
import type { ApiError } from './api-error.ts';
import { routes } from './api-routes.ts';
import type { ApiResponse, Route } from './api-routes.ts';
import { parseJsonBody } from './go-json.ts';
import type { ProxyCollection } from './proxy-collection.ts';
import { requestId } from './request-id.ts';

const textPlain = 'text/plain; charset=utf-8';

/**
 * Toxiproxy's HTTP API over node:http, answering byte for byte like the Go server: unmatched paths 404
 * with Go's text, a known path with the wrong method 405 with no body, every routed response carries
 * `X-Toxiproxy-Request-Id`, and browsers (a `Mozilla/` user agent) get 403. Requests are handled one at
 * a time so that checks and changes (duplicate names, binds) never interleave.
 */
export function createApiHandler(proxies: ProxyCollection): (req: IncomingMessage, res: ServerResponse) => void {
  let queue: Promise<void> = Promise.resolve();
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const matched = matchRoute(path);
    if (matched === undefined) return send(res, 404, '404 page not found\n', textPlain);
    const handler = matched.route.methods[req.method ?? ''];
    if (handler === undefined) return send(res, 405, '', undefined);
    res.setHeader('X-Toxiproxy-Request-Id', requestId());
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      return sendError(res, 403, 'User agent not allowed\n');
    }
    readBody(req).then((text) => {
      queue = queue.then(async () => {
        try {
          const response = await handler(proxies, { params: matched.params, body: () => parseJsonBody(text) });
          writeResponse(res, response);
        } catch (e) {
          writeApiError(res, toApiError(e));
        }
      });
    }, () => res.destroy());
  };
}

function matchRoute(path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    try {
      return { route, params: m.slice(1).map((p) => decodeURIComponent(p ?? '')) };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function writeResponse(res: ServerResponse, response: ApiResponse): void {
  switch (response.kind) {
    case 'json':
      return send(res, response.status, JSON.stringify(response.value), 'application/json');
    case 'empty':
      return send(res, response.status, '', undefined);
    case 'raw':
      for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
      return send(res, response.status, response.body, response.contentType);
  }
}

/** Go's http.Error: the JSON error as text/plain, nosniff, and a trailing newline. */
function writeApiError(res: ServerResponse, error: ApiError): void {
  sendError(res, error.status, `${JSON.stringify({ error: error.message, status: error.status })}\n`);
}

function sendError(res: ServerResponse, status: number, body: string): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  send(res, status, body, textPlain);
}

function send(res: ServerResponse, status: number, body: string, contentType: string | undefined): void {
  if (contentType !== undefined) res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.writeHead(status);
  res.end(body);
}
