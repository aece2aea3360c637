import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import pg from 'pg';

/**
 * A job service whose API is not the reference service's, for the audit sources' tests: jobs live in
 * a real PostgreSQL table (`jobs`), so the `sql` source reads the same truth the HTTP API answers.
 * - `POST /api/jobs` → 201 `{"jobId": uuid}`; every `forgetEvery`-th accepted job is never stored
 *   (accepted, then lost: the audit must count exactly those);
 * - `GET /api/jobs/{id}` → `{"data": {"jobId", "status", "attempts", "effects"}}`, 404 for an unknown id;
 * - `POST /api/jobs/search` `{"jobIds": [...]}` → `{"items": [{"jobId", "status", "attempts", "effects"}]}`
 *   (unknown ids left out);
 * - `POST /api/jobs/echo` → a body no mapping reads, quoting the request's Authorization header (a
 *   leaking service: the audit's error must not repeat the token).
 * A worker moves jobs queued → running → done every 50 ms. `mode` makes the lookups misbehave.
 */
export interface JobsApi {
  url: string;
  /** Jobs accepted and stored / accepted and forgotten so far. */
  readonly stored: number;
  readonly forgotten: number;
  /** `slow`: lookups answer after `slowMs`; `garbage`: lookups answer 200 with HTML. */
  mode: 'normal' | 'slow' | 'garbage';
  slowMs: number;
  /** Lookup requests answered (GET and search). */
  readonly lookups: number;
  stop(): Promise<void>;
}

export async function startJobsApi(opts: { databaseUrl: string; forgetEvery: number; port?: number }): Promise<JobsApi> {
  const db = new pg.Pool({ connectionString: opts.databaseUrl, max: 8 });
  await db.query(`CREATE TABLE IF NOT EXISTS jobs (
    job_id uuid PRIMARY KEY, status text NOT NULL DEFAULT 'queued', attempts int NOT NULL DEFAULT 0, effects int NOT NULL DEFAULT 0)`);
  let accepted = 0;
  const state = { stored: 0, forgotten: 0, lookups: 0, mode: 'normal' as JobsApi['mode'], slowMs: 2_000 };
  const timers = new Set<NodeJS.Timeout>();
  const worker = setInterval(() => {
    void db
      .query(`UPDATE jobs SET status = CASE status WHEN 'queued' THEN 'running' ELSE 'done' END,
                attempts = CASE status WHEN 'queued' THEN 1 ELSE attempts END,
                effects = CASE status WHEN 'running' THEN 1 ELSE effects END
              WHERE status <> 'done'`)
      .catch(() => undefined);
  }, 50);

  const handle = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/api/jobs') {
      const jobId = randomUUID();
      if (++accepted % opts.forgetEvery === 0) state.forgotten++;
      else {
        await db.query('INSERT INTO jobs (job_id) VALUES ($1)', [jobId]);
        state.stored++;
      }
      return send(res, 201, { jobId });
    }
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'POST' && url.pathname === '/api/jobs/echo') return send(res, 200, { unexpected: true, youSent: { authorization: req.headers.authorization ?? null } });
    const one = /^\/api\/jobs\/([^/]+)$/.exec(url.pathname);
    const search = req.method === 'POST' && url.pathname === '/api/jobs/search';
    if (!search && (req.method !== 'GET' || one === null)) return send(res, 404, { error: 'no such route' });
    state.lookups++;
    if (state.mode === 'slow') await new Promise((r) => timers.add(setTimeout(r, state.slowMs)));
    if (state.mode === 'garbage') return send(res, 200, '<html><body>502 Bad Gateway (nginx)</body></html>');
    if (search) {
      const ids = (JSON.parse(body) as { jobIds: string[] }).jobIds;
      const rows = await db.query('SELECT job_id AS "jobId", status, attempts, effects FROM jobs WHERE job_id::text = ANY($1)', [ids]);
      return send(res, 200, { items: rows.rows, total: rows.rowCount });
    }
    const id = decodeURIComponent(one?.[1] ?? '');
    const rows = await db.query('SELECT job_id AS "jobId", status, attempts, effects FROM jobs WHERE job_id::text = $1', [id]);
    return rows.rows[0] === undefined ? send(res, 404, { error: 'job not found' }) : send(res, 200, { data: rows.rows[0] });
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => void handle(req, res, body).catch((e: unknown) => send(res, 500, { error: String(e) })));
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get stored() {
      return state.stored;
    },
    get forgotten() {
      return state.forgotten;
    },
    get lookups() {
      return state.lookups;
    },
    get mode() {
      return state.mode;
    },
    set mode(m) {
      state.mode = m;
    },
    get slowMs() {
      return state.slowMs;
    },
    set slowMs(ms) {
      state.slowMs = ms;
    },
    async stop() {
      clearInterval(worker);
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await db.end();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' });
  res.end(text);
}
