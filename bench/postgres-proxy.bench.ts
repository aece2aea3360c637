/**
 * Queries per second through the embedded proxy's PostgreSQL mode (no toxic) against its TCP mode
 * and a direct connection, with pgbench (Debian's postgresql-client) against a throw-away embedded
 * PostgreSQL, contenders alternating within each round.
 *
 *   node --import tsx bench/postgres-proxy.bench.ts [--rounds 5] [--seconds 5] [--clients 8] [--mode prepared|simple]
 *
 * pgbench -S (a primary-key SELECT per transaction) keeps PostgreSQL's own work small, so the proxy's
 * share shows. Goal: PostgreSQL mode ≥ 0.8 × TCP mode.
 */
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../process-kit/postgres/embedded-postgres.ts';
import { startToxiproxyServer } from '../harness/toxiproxy/index.ts';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    clients: { type: 'string', default: '8' },
    mode: { type: 'string', default: 'prepared' },
  },
});
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const clients = Number(flags.clients);
const protocol = flags.mode === 'simple' ? 'simple' : 'prepared';

function pgbench(port: number, url: URL, args: string[]): Promise<string> {
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password), PGSSLMODE: 'disable' };
  const base = ['-h', '127.0.0.1', '-p', String(port), '-U', url.username, ...args, url.pathname.slice(1)];
  return new Promise((resolve, reject) => {
    execFile('pgbench', base, { env, timeout: (seconds + 60) * 1000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pgbench ${args.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

async function tps(port: number, url: URL): Promise<number> {
  const out = await pgbench(port, url, ['-n', '-S', '-M', protocol, '-c', String(clients), '-j', '2', '-T', String(seconds)]);
  const m = /tps = ([\d.]+)/.exec(out);
  if (!m?.[1]) throw new Error(`no tps in pgbench output:\n${out}`);
  return Number(m[1]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

async function main(): Promise<void> {
  const db = await startEmbeddedPostgres();
  const proxyServer = await startToxiproxyServer({ port: 0 });
  try {
    const url = new URL(db.url);
    const create = async (name: string, mode: 'tcp' | 'postgres'): Promise<number> => {
      const res = await fetch(`${proxyServer.url}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${db.port}`, protocol: mode }) });
      return Number(((await res.json()) as { listen: string }).listen.split(':').pop());
    };
    const ports = { direct: db.port, tcp: await create('tcp', 'tcp'), postgres: await create('pg', 'postgres') };
    await pgbench(db.port, url, ['-i', '-q', '-s', '1']);
    console.log(`postgres proxy bench: ${rounds} rounds × ${seconds} s of pgbench -S -M ${protocol} -c ${clients} per contender; proxy in this process`);
    const results: Record<keyof typeof ports, number[]> = { direct: [], tcp: [], postgres: [] };
    const contenders = Object.keys(ports) as (keyof typeof ports)[];
    for (const c of contenders) await tps(ports[c], url); // warm every path once
    for (let round = 1; round <= rounds; round++) {
      // Rotate the order so no contender always runs first or last.
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as keyof typeof ports);
      for (const c of order) {
        const r = await tps(ports[c], url);
        results[c].push(r);
        console.log(`round ${round} ${c.padEnd(8)} ${r.toFixed(0).padStart(7)} tps`);
      }
    }
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] ?? NaN)));
    console.log(`\nmedian tps: direct ${median(results.direct).toFixed(0)}, TCP mode ${median(results.tcp).toFixed(0)}, PostgreSQL mode ${median(results.postgres).toFixed(0)}`);
    const pgVsTcp = ratio(results.postgres, results.tcp);
    console.log(`PostgreSQL mode / TCP mode (median of per-round ratios): ${pgVsTcp.toFixed(3)} (goal ≥ 0.8) ${pgVsTcp >= 0.8 ? 'MET' : 'MISSED'}`);
    console.log(`TCP mode / direct: ${ratio(results.tcp, results.direct).toFixed(3)}; PostgreSQL mode / direct: ${ratio(results.postgres, results.direct).toFixed(3)}`);
  } finally {
    await proxyServer.close();
    await db.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
