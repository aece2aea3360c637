import { ApiError, apiErrors } from './api-error.ts';
import { asArray, asObject, readBool, readString } from './go-json.ts';
import type { JsonObject } from './go-json.ts';

/**
 * What a proxy speaks. `tcp` is Toxiproxy's only mode; `postgres` frames the PostgreSQL wire protocol
 * so the pg_* toxics can act on statements (postgres/pg-session.ts); `http` frames HTTP/1.1 for the
 * http_* toxics (http/http-session.ts).
 */
export type ProxyProtocol = 'tcp' | 'postgres' | 'http';

const protocols: readonly ProxyProtocol[] = ['tcp', 'postgres', 'http'];

/** The fields a request may set on a proxy (`toxics` in a request is ignored, as in Toxiproxy). */
export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  /** Not a Toxiproxy field; absent means tcp, so Toxiproxy's own bodies decode as before. */
  protocol: ProxyProtocol;
}

const struct = 'Proxy';

function readProtocol(obj: JsonObject): ProxyProtocol | undefined {
  const text = readString(obj, 'protocol', struct);
  if (text === undefined || text === '') return undefined;
  const protocol = protocols.find((p) => p === text.toLowerCase());
  if (protocol === undefined) throw apiErrors.badRequestBody(`unknown protocol "${text}" (tcp, postgres or http)`);
  return protocol;
}

/** Decodes `obj` over `base`: absent or null fields keep the base value, as Go's decoder does. */
export function decodeProxyFields(obj: JsonObject, base: ProxyInput): ProxyInput {
  return {
    name: readString(obj, 'name', struct) ?? base.name,
    listen: readString(obj, 'listen', struct) ?? base.listen,
    upstream: readString(obj, 'upstream', struct) ?? base.upstream,
    enabled: readBool(obj, 'enabled', struct) ?? base.enabled,
    protocol: readProtocol(obj) ?? base.protocol,
  };
}

const createDefaults: ProxyInput = { name: '', listen: '', upstream: '', enabled: true, protocol: 'tcp' };

function requireFields(input: ProxyInput, suffix: string): ProxyInput {
  if (input.name === '') throw new ApiError(400, `${apiErrors.missingField('name').message}${suffix}`);
  if (input.upstream === '') throw new ApiError(400, `${apiErrors.missingField('upstream').message}${suffix}`);
  return input;
}

/** A create body: name and upstream are required; `enabled` defaults to true. */
export function parseProxyCreate(body: unknown): ProxyInput {
  return requireFields(decodeProxyFields(asObject(body, 'toxiproxy.Proxy'), createDefaults), '');
}

/** A populate body: every entry is validated before anything is created. */
export function parsePopulate(body: unknown): ProxyInput[] {
  const entries = asArray(body, '[]toxiproxy.Proxy');
  const inputs = entries.map((entry) => decodeProxyFields(asObject(entry, 'toxiproxy.Proxy'), createDefaults));
  return inputs.map((input, i) => requireFields(input, ` at proxy ${i + 1}`));
}
