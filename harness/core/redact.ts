/**
 * Secrets never reach a report or a log: credentials in URLs (`user:password@`, `?token=…`),
 * credential headers, and any secret value the caller knows of (a password from DATABASE_URL,
 * a bearer token) wherever it appears in free text.
 */

export const REDACTED = '***';

/** Header and query-parameter names that carry credentials. */
const SENSITIVE_NAME = /token|secret|passw(or)?d|pwd|key|auth|cookie|session|credential|signature/i;
/**
 * Names that match the pattern above but carry no credential; redacting them would hide what a
 * reader needs to debug (an idempotency key is a request id the scenario generates).
 */
const NOT_SECRET = new Set(['idempotency-key', 'x-idempotency-key', 'keep-alive']);

/** Too short to be a credential and too common to replace in text without mangling it. */
const MIN_SECRET_LENGTH = 4;

export function isSensitiveName(name: string): boolean {
  return !NOT_SECRET.has(name.toLowerCase()) && SENSITIVE_NAME.test(name);
}

const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s]*)@/i;
const QUERY_PARAM = /([?&])([^=&#\s]+)=([^&#\s]*)/g;

/**
 * The URL with its user-info replaced (`postgres://***@db:5432/app`) and the values of
 * credential query parameters replaced (`?api_key=***`). Everything else is kept byte for
 * byte, so a redacted URL still reads like the one the user typed.
 */
export function redactUrl(url: string): string {
  return url.replace(USERINFO, `$1${REDACTED}@`).replace(QUERY_PARAM, (whole, sep: string, name: string) => {
    return isSensitiveName(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole;
  });
}

export type HeaderValue = string | number | readonly string[] | undefined;

/** A copy of the headers with the values of credential headers replaced; names keep their case. */
export function redactHeaders<H extends Readonly<Record<string, HeaderValue>>>(headers: H): Record<keyof H & string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = value !== undefined && isSensitiveName(name) ? REDACTED : value;
  }
  return out as Record<keyof H & string, HeaderValue>;
}

/**
 * Text (a log line, an error message, a rendered report) with every URL's credentials and every
 * known secret replaced. Secrets are also matched in their percent-encoded form, the way a
 * password appears inside a URL. Longer secrets first, so one that contains another goes whole.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, (url) => redactUrl(url));
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(REDACTED);
  return out;
}

/**
 * The secret values found in URLs (user-info, credential query parameters) and credential
 * headers: what `redactText` should hide in logs that print them in other shapes.
 */
export function collectSecrets(input: { urls?: readonly string[]; headers?: Readonly<Record<string, HeaderValue>> }): string[] {
  const found = new Set<string>();
  for (const url of input.urls ?? []) {
    const info = USERINFO.exec(url)?.[2];
    if (info !== undefined) {
      const colon = info.indexOf(':');
      if (colon >= 0) found.add(safeDecode(info.slice(colon + 1)));
    }
    for (const m of url.matchAll(QUERY_PARAM)) {
      if (isSensitiveName(safeDecode(m[2] ?? '')) && m[3]) found.add(safeDecode(m[3]));
    }
  }
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (value === undefined || !isSensitiveName(name)) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) {
      found.add(v);
      // "Bearer abc…": the credential alone also appears in logs.
      const scheme = /^\s*(bearer|basic|token)\s+(.+)$/i.exec(v);
      if (scheme?.[2]) found.add(scheme[2].trim());
    }
  }
  return [...found].filter((s) => s.length >= MIN_SECRET_LENGTH);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
