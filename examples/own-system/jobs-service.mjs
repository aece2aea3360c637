// An example system under test whose API is not the reference service's (README, "Against your own
// system"): jobs are submitted with POST /api/jobs → 201 {"jobId"}, read one by one with
// GET /api/jobs/{id} → {"data": {"jobId", "status", "attempts"}} (404 for an unknown id), and a worker
// moves them queued → running → done. GET /healthz answers 200. Plain JavaScript, no dependencies,
// in-memory: a kill loses what it held, which is what an integrity audit is for.
// FORGET_EVERY=n accepts every n-th job and never stores it (a planted loss the audit must find).
import { randomUUID } from 'node:crypto';
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const forgetEvery = Number(process.env.FORGET_EVERY ?? 0);
const jobs = new Map();
let accepted = 0;

setInterval(() => {
  for (const job of jobs.values()) {
    if (job.status === 'queued') Object.assign(job, { status: 'running', attempts: 1 });
    else if (job.status === 'running') job.status = 'done';
  }
}, 100).unref();

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && pathname === '/healthz') return send(res, 200, { ok: true });
    if (req.method === 'POST' && pathname === '/api/jobs') {
      let spec;
      try {
        spec = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'body must be JSON' });
      }
      const jobId = randomUUID();
      accepted++;
      if (!(forgetEvery > 0 && accepted % forgetEvery === 0)) jobs.set(jobId, { jobId, kind: spec.kind ?? 'default', status: 'queued', attempts: 0 });
      return send(res, 201, { jobId });
    }
    const one = /^\/api\/jobs\/([^/]+)$/.exec(pathname);
    if (req.method === 'GET' && one) {
      const job = jobs.get(decodeURIComponent(one[1]));
      return job ? send(res, 200, { data: job }) : send(res, 404, { error: 'job not found' });
    }
    send(res, 404, { error: 'no such route' });
  });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(port, '127.0.0.1', () => console.log(`jobs-service listening on http://127.0.0.1:${port}`));
