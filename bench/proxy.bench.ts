/**
 * Throughput and added latency through the embedded Toxiproxy-compatible proxy (no toxics) versus a
 * direct connection, and its HTTP mode (no toxics) versus its TCP mode, against a trivial loopback
 * HTTP server, contenders rotating within each round.
 *
 *   node --import tsx bench/proxy.bench.ts [--rounds 5] [--seconds 5] [--latency-seconds 2] [--connections 16] [--in-process]
 *
 * The HTTP server runs in a child process. The proxy runs in its own child process (as `stresslab
 * toxiproxy` would), or with --in-process inside the load generator's process (as the harness embeds it).
 * Goals: proxy rps ≥ 0.8 × direct, added p50 latency ≤ 0.3 ms; HTTP mode ≥ 0.8 × TCP mode.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'undici';
import { repoRoot } from '../harness/core/repo-root.ts';
import { startToxiproxyServer } from '../harness/toxiproxy/index.ts';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    'latency-seconds': { type: 'string', default: '2' },
    connections: { type: 'string', default: '16' },
    'in-process': { type: 'boolean', default: false },
  },
});
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const latencySeconds = Number(flags['latency-seconds']);
const connections = Number(flags.connections);

const httpServerScript = `
const http = require('node:http');
http.createServer((req, res) => { res.setHeader('content-type', 'text/plain'); res.end('ok'); })
  .listen(0, '127.0.0.1', function () { console.log(this.address().port); });
`;

const proxyScript = (upstreamPort: number) => `
import { startToxiproxyServer } from './harness/toxiproxy/index.ts';
const server = await startToxiproxyServer({ port: 0 });
const ports = [];
for (const [name, protocol] of [['bench', 'tcp'], ['bench-http', 'http']]) {
  const res = await fetch(server.url + '/proxies', { method: 'POST',
    body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: '127.0.0.1:${upstreamPort}', protocol }) });
  ports.push((await res.json()).listen.split(':').pop());
}
console.log(ports.join(' '));
`;

const children: ChildProcess[] = [];

/** CPU ms a process has used so far (utime + stime from /proc, 10 ms ticks); NaN where /proc is missing. */
function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid ?? 'self'}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Starts a child and resolves with the first line it prints on stdout. */
function startChildLine(args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing its line`)));
  });
}

/** Starts a child that prints its port on the first line of stdout. */
async function startChild(args: string[]): Promise<number> {
  return Number(await startChildLine(args));
}

/** The proxy (its own process, or this one) with two proxies to the server: TCP mode and HTTP mode. */
async function proxyPorts(upstreamPort: number): Promise<{ tcp: number; http: number; pid: number | undefined; close(): Promise<void> }> {
  if (!flags['in-process']) {
    const line = await startChildLine(['--import', 'tsx', '--input-type=module', '-e', proxyScript(upstreamPort)]);
    const [tcp, http] = line.split(' ').map(Number);
    return { tcp: tcp ?? NaN, http: http ?? NaN, pid: children.at(-1)?.pid, close: async () => {} };
  }
  const server = await startToxiproxyServer({ port: 0 });
  const create = async (name: string, protocol: string): Promise<number> => {
    const res = await fetch(`${server.url}/proxies`, { method: 'POST', body: JSON.stringify({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}`, protocol }) });
    return Number(((await res.json()) as { listen: string }).listen.split(':').pop());
  };
  return { tcp: await create('bench', 'tcp'), http: await create('bench-http', 'http'), pid: undefined, close: () => server.close() };
}

/** Requests per second, and CPU µs per request spent by the watched process (the proxy, or the server). */
async function throughput(port: number, watchPid: number | undefined): Promise<{ rps: number; cpuUsPerRequest: number }> {
  const cpuBefore = cpuMs(watchPid);
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`errors during the run: ${result.errors}/${result.non2xx}`);
  return { rps: result.requests.total / seconds, cpuUsPerRequest: ((cpuMs(watchPid) - cpuBefore) * 1000) / result.requests.total };
}

/** One connection, one request at a time: per-request time at µs resolution (autocannon rounds to ms). */
async function latency(port: number): Promise<{ p50: number; p99: number }> {
  const client = new Client(`http://127.0.0.1:${port}`, { pipelining: 1 });
  const samples: number[] = [];
  const end = performance.now() + latencySeconds * 1000;
  for (let warm = 0; warm < 200; warm++) await (await client.request({ path: '/', method: 'GET' })).body.dump();
  while (performance.now() < end) {
    const start = performance.now();
    const { body } = await client.request({ path: '/', method: 'GET' });
    await body.dump();
    samples.push(performance.now() - start);
  }
  await client.close();
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

interface RoundResult {
  rps: number;
  p50: number;
  p99: number;
  /** CPU µs per request of the HTTP server (direct) or of the proxy process (proxy). */
  cpuUsPerRequest: number;
}

async function measure(port: number, watchPid: number | undefined): Promise<RoundResult> {
  const { rps, cpuUsPerRequest } = await throughput(port, watchPid);
  const { p50, p99 } = await latency(port);
  return { rps, p50, p99, cpuUsPerRequest };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};

const fmt = (r: RoundResult) =>
  `${r.rps.toFixed(0).padStart(6)} rps  p50 ${r.p50.toFixed(3)} ms  p99 ${r.p99.toFixed(3)} ms  cpu ${r.cpuUsPerRequest.toFixed(1)} µs/req`;

function summary(results: readonly RoundResult[]): RoundResult {
  const of = (key: keyof RoundResult) => median(results.map((r) => r[key]));
  return { rps: of('rps'), p50: of('p50'), p99: of('p99'), cpuUsPerRequest: of('cpuUsPerRequest') };
}

async function main(): Promise<void> {
  const serverPort = await startChild(['-e', httpServerScript]);
  const serverPid = children.at(-1)?.pid;
  const proxy = await proxyPorts(serverPort);
  const mode = flags['in-process'] ? 'in the load generator’s process' : 'in its own process';
  console.log(`proxy bench: ${rounds} rounds × (${seconds} s autocannon c=${connections} + ${latencySeconds} s serial latency) per contender; proxy ${mode}`);
  const ports = { direct: serverPort, proxy: proxy.tcp, 'http-mode': proxy.http };
  type Contender = keyof typeof ports;
  const contenders = Object.keys(ports) as Contender[];
  const results: Record<Contender, RoundResult[]> = { direct: [], proxy: [], 'http-mode': [] };
  for (const c of contenders) await latency(ports[c]); // warm every path before the first measured round
  for (let round = 1; round <= rounds; round++) {
    // Rotate the order so no contender always runs first or last.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as Contender);
    for (const contender of order) {
      const result = await measure(ports[contender], contender === 'direct' ? serverPid : proxy.pid);
      results[contender].push(result);
      console.log(`round ${round} ${contender.padEnd(9)} ${fmt(result)}`);
    }
  }
  const direct = results.direct;
  const proxied = results.proxy;
  const d = summary(direct);
  const p = summary(proxied);
  const h = summary(results['http-mode']);
  // Rounds run back to back, so pairing a round's contenders cancels most of the drift in machine load.
  const ratio = median(proxied.map((r, i) => r.rps / (direct[i]?.rps ?? Number.NaN)));
  const added = median(proxied.map((r, i) => r.p50 - (direct[i]?.p50 ?? Number.NaN)));
  const httpRatio = median(results['http-mode'].map((r, i) => r.rps / (proxied[i]?.rps ?? Number.NaN)));
  console.log(`\nmedian direct    ${fmt(d)}\nmedian proxy     ${fmt(p)}\nmedian http-mode ${fmt(h)}`);
  console.log('(cpu: the HTTP server’s for direct, the proxy process’s own for the proxies)');
  console.log(`throughput ratio proxy/direct (median of per-round ratios): ${ratio.toFixed(3)} (goal ≥ 0.8) ${ratio >= 0.8 ? 'MET' : 'MISSED'}`);
  console.log(`added p50 latency (median of per-round differences): ${added.toFixed(3)} ms (goal ≤ 0.3 ms) ${added <= 0.3 ? 'MET' : 'MISSED'}; added p99 ${(p.p99 - d.p99).toFixed(3)} ms`);
  console.log(`throughput ratio HTTP mode / TCP mode (median of per-round ratios): ${httpRatio.toFixed(3)} (goal ≥ 0.8) ${httpRatio >= 0.8 ? 'MET' : 'MISSED'}`);
  await proxy.close();
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
  });
