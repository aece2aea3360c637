/**
 * Benchmark of the reference service (`npm run bench:target`, not part of `npm test`).
 * 1. Validation pipeline throughput (rows/s) on a 5-column schema for 100 … 100k rows: the pure
 *    pipeline in this process, then end to end over HTTP (JSON parsing dominates big requests).
 * 2. Executions/s end to end with 4 workers on real PostgreSQL: the service runs as its own process
 *    (`reference-service/main.ts`, embedded PostgreSQL) so the load generator does not share its CPU.
 * Goals: ≥ 1M rows/s/core for the pipeline; ≥ 500 executions/s.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { startTarget } from '../reference-service/index.ts';
import { runPipeline } from '../reference-service/validation/run-pipeline.ts';
import type { DatasetSchema, Row } from '../reference-service/validation/validation-types.ts';

const schema: DatasetSchema = {
  columns: [
    { name: 'id', type: 'integer', required: true },
    { name: 'amount', type: 'number', min: 0, max: 1_000_000 },
    { name: 'email', type: 'string' },
    { name: 'country', type: 'string' },
    { name: 'created', type: 'date' },
  ],
  key: ['id'],
  references: [{ column: 'country', refColumn: 'code' }],
};
const countries = ['DE', 'FR', 'US', 'GB', 'PL', 'ES', 'IT', 'NL'];
const refs = countries.map((code) => ({ code }));

/** Realistic rows with ~1% planted problems, round-tripped through JSON like a request body. */
function makeRows(n: number): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      id: i % 997 === 5 ? i - 1 : i,
      amount: i % 503 === 0 ? null : Math.round(((i * 7919) % 100_000) * 1.37) / 100,
      email: `user${i}@example.com`,
      country: i % 211 === 0 ? 'XX' : countries[i % countries.length],
      created: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`,
    });
  }
  return JSON.parse(JSON.stringify(rows)) as Row[];
}

function rate(count: number, ms: number): string {
  return Math.round(count / (ms / 1000)).toLocaleString('en-US');
}

/** Repeats `work` for at least `minMs` (after warm-up) and returns the mean ms per call. */
function timeIt(work: () => void, minMs: number): number {
  for (let i = 0; i < 3; i++) work();
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < minMs || calls < 3) {
    work();
    calls++;
  }
  return (performance.now() - started) / calls;
}

async function benchValidation(): Promise<void> {
  console.log('\nvalidation (5 columns, key, reference check)');
  console.log('rows      pipeline rows/s   JSON.parse ms   HTTP end-to-end rows/s   HTTP ms/request');
  const target = await startTarget({ workers: 0 });
  const http = new Pool(target.url, { connections: 1 });
  try {
    for (const n of [100, 1_000, 10_000, 100_000]) {
      const rows = makeRows(n);
      const pipelineMs = timeIt(() => runPipeline({ schema, rows, refs }), 1_500);
      const body = JSON.stringify({ schema, rows, refs });
      const parseMs = timeIt(() => JSON.parse(body), 500);
      const httpMs = await timeHttp(http, body, 1_500);
      console.log(
        `${String(n).padEnd(9)} ${rate(n, pipelineMs).padStart(15)}   ${parseMs.toFixed(2).padStart(13)}   ` +
          `${rate(n, httpMs).padStart(22)}   ${httpMs.toFixed(2).padStart(15)}`,
      );
    }
  } finally {
    await http.close();
    await target.close();
  }
}

async function timeHttp(http: Pool, body: string, minMs: number): Promise<number> {
  const once = async (): Promise<void> => {
    const r = await http.request({ method: 'POST', path: '/v1/validate', body, headers: { 'content-type': 'application/json' } });
    await r.body.text();
    if (r.statusCode !== 200) throw new Error(`validate answered ${r.statusCode}`);
  };
  for (let i = 0; i < 3; i++) await once();
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < minMs || calls < 3) {
    await once();
    calls++;
  }
  return (performance.now() - started) / calls;
}

async function spawnTargetProcess(env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'reference-service/main.ts'], {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`reference service exited with ${code}:\n${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { url, stop: async () => void (child.kill('SIGTERM'), await exited) };
}

async function submitAll(http: Pool, n: number, assets: number, concurrency: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const r = await http.request({
        method: 'POST',
        path: '/v1/executions',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ asset_id: `asset-${i % assets}`, action: 'sync', params: { ms: 0 } }),
      });
      const body = (await r.body.json()) as { id: string };
      if (r.statusCode !== 202) throw new Error(`submit answered ${r.statusCode}`);
      ids[i] = body.id;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return ids;
}

async function countTerminal(http: Pool, ids: string[]): Promise<number> {
  const r = await http.request({ method: 'POST', path: '/v1/executions/lookup', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) });
  const { executions } = (await r.body.json()) as { executions: Record<string, { state: string } | null> };
  return Object.values(executions).filter((e) => e?.state === 'succeeded' || e?.state === 'dead_lettered').length;
}

async function benchExecutions(): Promise<void> {
  const n = Number(process.env.BENCH_EXECUTIONS ?? 5_000);
  console.log(`\nexecutions end to end: ${n} sync executions (ms=0) over 200 assets, 4 workers, 32 concurrent submitters`);
  const target = await spawnTargetProcess({ WORKERS: '4', PORT: '0' });
  const http = new Pool(target.url, { connections: 32 });
  try {
    const started = performance.now();
    const ids = await submitAll(http, n, 200, 32);
    const submittedMs = performance.now() - started;
    while ((await countTerminal(http, ids)) < n) await new Promise((r) => setTimeout(r, 50));
    const totalMs = performance.now() - started;
    console.log(`submitted:  ${rate(n, submittedMs)} executions/s (${submittedMs.toFixed(0)} ms)`);
    console.log(`completed:  ${rate(n, totalMs)} executions/s end to end (${totalMs.toFixed(0)} ms, from first submit to all terminal)`);
  } finally {
    await http.close();
    await target.stop();
  }
}

console.log(`reference service benchmark · node ${process.version} · ${new Date().toISOString()}`);
await benchValidation();
await benchExecutions();
