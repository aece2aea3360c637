/** Minimal JSON-over-HTTP helpers for tests of the reference target (real HTTP on loopback). */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function requestJson<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON (e.g. /metrics): keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export function postExecution(
  baseUrl: string,
  key: string,
  body: Record<string, unknown>,
): Promise<JsonResponse<{ id: string; status: string; error?: string }>> {
  return requestJson('POST', `${baseUrl}/v1/executions`, body, { 'idempotency-key': key });
}

export type AuditMap = Record<string, { state: string; attempts: number; effects: number } | null>;

export async function lookup(baseUrl: string, ids: readonly string[]): Promise<AuditMap> {
  const r = await requestJson<{ executions: AuditMap }>('POST', `${baseUrl}/v1/executions/lookup`, { ids });
  if (r.status !== 200) throw new Error(`lookup answered ${r.status}`);
  return r.body.executions;
}

/** Polls until `done` holds or the deadline passes; returns the last value either way. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const terminalStates = new Set(['succeeded', 'dead_lettered']);

export function allTerminal(m: AuditMap): boolean {
  return Object.values(m).every((e) => e !== null && terminalStates.has(e.state));
}
