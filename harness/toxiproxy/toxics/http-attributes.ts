import { apiErrors } from '../api-error.ts';
import type { AttributeGoType } from '../toxic-stage.ts';

/** The match fields every http_* toxic carries, then `count` and `after`. */
export interface HttpMatchAttributes {
  /** '' = any method; else compared case-insensitively. */
  readonly method: string;
  /** Regex on the request path (the target without its query), '' = any. */
  readonly path: string;
  /** "Name: regex" on one request header ('' = no header condition). */
  readonly header: string;
  /** Matches to fire on at most (0 = no limit). */
  readonly count: number;
  /** Matches to let through before firing. */
  readonly after: number;
}

export const matchFields: ReadonlyArray<readonly [keyof HttpMatchAttributes & string, AttributeGoType]> = [
  ['method', 'string'],
  ['path', 'string'],
  ['header', 'string'],
];

export const countFields: ReadonlyArray<readonly [keyof HttpMatchAttributes & string, AttributeGoType]> = [
  ['count', 'int64'],
  ['after', 'int64'],
];

const tokenRe = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function regex(source: string, what: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw apiErrors.badRequestBody(`invalid ${what} ${JSON.stringify(source)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** "Name: regex" → name (lower case) and regex; '' → undefined. */
export function parseHeaderMatch(header: string): { name: string; value: RegExp } | undefined {
  if (header === '') return undefined;
  const colon = header.indexOf(':');
  const name = colon < 0 ? '' : header.slice(0, colon).trim();
  if (!tokenRe.test(name)) throw apiErrors.badRequestBody(`invalid header ${JSON.stringify(header)}: "Name: regex"`);
  return { name: name.toLowerCase(), value: regex(header.slice(colon + 1).trim(), 'header regex') };
}

export interface RequestMatcher {
  readonly method: string;
  readonly path: RegExp | undefined;
  readonly header: { name: string; value: RegExp } | undefined;
}

/** Compiles (and so validates) a toxic's match; throws a 400 ApiError on a bad regex or header. */
export function requestMatcher(attrs: { readonly method: string; readonly path: string; readonly header: string }): RequestMatcher {
  if (attrs.method !== '' && !tokenRe.test(attrs.method)) {
    throw apiErrors.badRequestBody(`invalid method ${JSON.stringify(attrs.method)}`);
  }
  return {
    method: attrs.method.toUpperCase(),
    path: attrs.path === '' ? undefined : regex(attrs.path, 'path regex'),
    header: parseHeaderMatch(attrs.header),
  };
}

export function validateMatch(attrs: HttpMatchAttributes): void {
  requestMatcher(attrs);
  if (attrs.count < 0 || attrs.after < 0) throw apiErrors.badRequestBody('count and after must not be negative');
}

/** Header lines "Name: value" separated by \n; the proxy sets Content-Length itself. */
export function parseHeaderLines(headers: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of headers.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!tokenRe.test(name) || /[\r\n\0]/.test(value)) {
      throw apiErrors.badRequestBody(`invalid headers line ${JSON.stringify(line)}: "Name: value"`);
    }
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') {
      throw apiErrors.badRequestBody(`headers must not set ${name}: the proxy sets Content-Length`);
    }
    out.push([name, value]);
  }
  return out;
}

export function validateNonNegative(values: Readonly<Record<string, number>>): void {
  for (const [field, value] of Object.entries(values)) {
    if (value < 0) throw apiErrors.badRequestBody(`${field} must not be negative`);
  }
}
