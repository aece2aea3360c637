import { ApiError } from './api-error.ts';
import { parsePopulate, parseProxyCreate } from './proxy-input.ts';
import type { ProxyCollection } from './proxy-collection.ts';
import { toxicJson } from './toxic-definition.ts';

/** The version the API reports: the Toxiproxy release whose behaviour this server follows. */
export const toxiproxyVersion = '2.12.0';

/** Answered on GET /version: the proxy protocols besides tcp this server frames (docs/postgres-proxy.md). */
export const PROTOCOLS_HEADER = 'X-Stresslab-Protocols';

export type ApiResponse =
  | { kind: 'json'; status: number; value: unknown }
  | { kind: 'empty'; status: number }
  | { kind: 'raw'; status: number; body: string; contentType: string; headers?: Record<string, string> };

export interface RouteRequest {
  /** Path parameters, percent-decoded: [proxy] or [proxy, toxic]. */
  readonly params: readonly string[];
  /** The parsed JSON body; parsing happens on call so 404s win over bad bodies, as in Toxiproxy. */
  body(): unknown;
}

type Handler = (proxies: ProxyCollection, req: RouteRequest) => ApiResponse | Promise<ApiResponse>;

export interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
}

const json = (status: number, value: unknown): ApiResponse => ({ kind: 'json', status, value });
const noContent: ApiResponse = { kind: 'empty', status: 204 };

function param(req: RouteRequest, i: number): string {
  return req.params[i] ?? '';
}

const getProxy: Handler = (proxies, req) => json(200, proxies.get(param(req, 0)).toJson());
const updateProxy: Handler = async (proxies, req) => json(200, (await proxies.update(param(req, 0), req.body)).toJson());
const updateToxic: Handler = (proxies, req) => {
  const toxics = proxies.get(param(req, 0)).toxics;
  toxics.get(param(req, 1));
  return json(200, toxicJson(toxics.update(param(req, 1), req.body())));
};

async function populate(proxies: ProxyCollection, req: RouteRequest): Promise<ApiResponse> {
  let inputs;
  try {
    inputs = parsePopulate(req.body());
  } catch (e) {
    if (e instanceof ApiError) return populateError(e.message, e.status, null);
    throw e;
  }
  const outcome = await proxies.populate(inputs);
  const handled = outcome.proxies.map((p) => p.toJson());
  if (outcome.error !== undefined) return populateError(outcome.error.message, outcome.error.status, handled);
  return json(201, { proxies: handled });
}

/** Populate's errors are the one JSON error body: application/json, no trailing newline, with the proxies. */
function populateError(message: string, status: number, proxies: unknown): ApiResponse {
  const body = JSON.stringify({ error: message, status, proxies });
  return { kind: 'raw', status, body, contentType: 'application/json' };
}

/** Toxiproxy's routes (gorilla/mux in Go): `{proxy}` and `{toxic}` match one path segment. */
export const routes: readonly Route[] = [
  {
    pattern: /^\/version$/,
    methods: {
      GET: () => ({
        kind: 'raw',
        status: 200,
        body: `{"version": "${toxiproxyVersion}"}\n`,
        contentType: 'application/json;charset=utf-8',
        // The body stays Toxiproxy's; the header tells a client this server has the protocol proxies (a real Toxiproxy sends none).
        headers: { [PROTOCOLS_HEADER]: 'postgres,http' },
      }),
    },
  },
  {
    pattern: /^\/proxies$/,
    methods: {
      GET: (proxies) => json(200, Object.fromEntries(proxies.list().map((p) => [p.name, p.toJson()]))),
      POST: async (proxies, req) => json(201, (await proxies.create(parseProxyCreate(req.body()))).toJson()),
    },
  },
  { pattern: /^\/populate$/, methods: { POST: populate } },
  {
    pattern: /^\/reset$/,
    methods: {
      POST: async (proxies) => {
        await proxies.reset();
        return noContent;
      },
    },
  },
  {
    pattern: /^\/proxies\/([^/]+)$/,
    methods: {
      GET: getProxy,
      POST: updateProxy,
      PATCH: updateProxy,
      DELETE: (proxies, req) => {
        proxies.remove(param(req, 0));
        return noContent;
      },
    },
  },
  // Not in Toxiproxy (which answers 404 here): the embedded server's traffic counters (proxy-counters.ts).
  { pattern: /^\/proxies\/([^/]+)\/stats$/, methods: { GET: (proxies, req) => json(200, proxies.get(param(req, 0)).statsJson()) } },
  {
    pattern: /^\/proxies\/([^/]+)\/toxics$/,
    methods: {
      GET: (proxies, req) => json(200, proxies.get(param(req, 0)).toxics.list().map(toxicJson)),
      POST: (proxies, req) => json(200, toxicJson(proxies.get(param(req, 0)).toxics.add(req.body()))),
    },
  },
  {
    pattern: /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/,
    methods: {
      GET: (proxies, req) => json(200, toxicJson(proxies.get(param(req, 0)).toxics.get(param(req, 1)))),
      POST: updateToxic,
      PATCH: updateToxic,
      DELETE: (proxies, req) => {
        proxies.get(param(req, 0)).toxics.remove(param(req, 1));
        return noContent;
      },
    },
  },
];
