import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { faultProxy } from '../../../harness/faults/fault-spec-schema.ts';
import { checkAllowedTargets } from '../../../harness/run/target-guard.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { presetNames } from '../../../harness/scenario/scenario-files.ts';
import { cliOptions, parseStresslabCall } from '../../support/cli-flags.ts';

/*
 * Docker does not run here, so the stack is checked as data: the services, their ports and
 * health checks, and above all the wiring — every hop goes through the Toxiproxy proxy the
 * scenarios name, so a fault on "api" or "db" really sits on that path.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}
interface ToxiproxyEntry {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

/** Compose's `${VAR:-default}` with an empty environment: what `docker compose up` uses by default. */
function interpolate<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replace(/\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? '')) as T;
}

const compose = interpolate(parse(read('docker-compose.yml')) as { services: Record<string, Service>; volumes?: Record<string, unknown> });
const services = compose.services;
const svc = (name: string): Service => {
  const s = services[name];
  if (s === undefined) throw new Error(`service ${name} missing`);
  return s;
};

function mountSource(service: Service, containerPath: string): string | undefined {
  return service.volumes?.map((v) => v.split(':')).find(([, dest]) => dest === containerPath)?.[0];
}

const toxiproxyConfigPath = (): string => {
  const flag = svc('toxiproxy').command?.find((a) => a.startsWith('-config='));
  const source = flag === undefined ? undefined : mountSource(svc('toxiproxy'), flag.slice('-config='.length));
  if (source === undefined) throw new Error('toxiproxy -config is not a mounted file');
  return source;
};
const proxies = (): ToxiproxyEntry[] => JSON.parse(read(toxiproxyConfigPath())) as ToxiproxyEntry[];
const proxy = (name: string): ToxiproxyEntry => {
  const p = proxies().find((x) => x.name === name);
  if (p === undefined) throw new Error(`proxy ${name} missing from ${toxiproxyConfigPath()}`);
  return p;
};
const hostPort = (s: string): { host: string; port: number } => {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

describe('docker-compose.yml', () => {
  it('has the four services, on official images where they exist', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'stresslab', 'target', 'toxiproxy']);
    expect(svc('postgres').image).toMatch(/^postgres:\d+/);
    expect(svc('toxiproxy').image).toMatch(/^ghcr\.io\/shopify\/toxiproxy:\d+\.\d+\.\d+$/);
    expect(svc('target').build).toEqual({ context: '.', dockerfile: 'target/Dockerfile' });
  });

  it('publishes the Toxiproxy API on 8474 and the api proxy on its listen port', () => {
    const published = (svc('toxiproxy').ports ?? []).map((p) => p.split(':').map(Number));
    expect(published).toContainEqual([8474, 8474]);
    expect(published).toContainEqual([hostPort(proxy('api').listen).port, hostPort(proxy('api').listen).port]);
  });

  it('waits on health: every service_healthy dependency has a health check, and the graph has no cycle', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services, `${name} depends on ${dep}`).toHaveProperty(dep);
        expect(condition).toBe('service_healthy');
        expect(svc(dep).healthcheck?.test?.length, `${dep} needs a healthcheck`).toBeGreaterThan(0);
      }
    }
    expect(svc('postgres').healthcheck?.test?.join(' ')).toContain('pg_isready');
    expect(svc('target').healthcheck?.test?.join(' ')).toContain(`127.0.0.1:${svc('target').environment?.PORT}/readyz`);
    expect(Object.keys(svc('target').depends_on ?? {}).sort()).toEqual(['postgres', 'toxiproxy']);
    expect(Object.keys(svc('stresslab').depends_on ?? {})).toContain('target');
    const visiting = new Set<string>();
    const visit = (n: string): void => {
      if (visiting.has(n)) throw new Error(`dependency cycle through ${n}`);
      visiting.add(n);
      for (const d of Object.keys(services[n]?.depends_on ?? {})) visit(d);
      visiting.delete(n);
    };
    for (const n of Object.keys(services)) visit(n);
  });

  it('creates the proxies from a JSON config that points at compose services', () => {
    const list = proxies();
    expect(list.map((p) => p.name).sort()).toEqual(['api', 'db']);
    expect(new Set(list.map((p) => hostPort(p.listen).port)).size).toBe(list.length);
    for (const p of list) {
      expect(hostPort(p.listen).host, `${p.name} listens on all interfaces`).toBe('0.0.0.0');
      expect(services, `${p.name} upstream`).toHaveProperty(hostPort(p.upstream).host);
      expect(p.enabled ?? true).toBe(true);
    }
    expect(proxy('api').upstream).toBe(`target:${svc('target').environment?.PORT}`);
    expect(proxy('db').upstream).toBe('postgres:5432');
  });

  it('has every proxy the bundled scenarios fault on', async () => {
    const names = new Set(proxies().map((p) => p.name));
    const used = new Map<string, string>();
    for (const preset of await presetNames()) {
      const { scenario } = await loadScenario(preset, { cwd: root });
      for (const f of scenario.faults ?? []) {
        const p = faultProxy(f);
        if (p !== null) used.set(p, `${preset}: ${f.kind}`);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    for (const [p, where] of used) expect(names, `proxy "${p}" (${where})`).toContain(p);
  });

  it("routes the target's database through the db proxy, with the postgres service's credentials", () => {
    const env = svc('target').environment ?? {};
    const url = new URL(env.DATABASE_URL ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(`${url.hostname}:${url.port}`).toBe(`toxiproxy:${hostPort(proxy('db').listen).port}`);
    const pg = svc('postgres').environment ?? {};
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
    expect(env.HOST).toBe('0.0.0.0');
  });

  it('runs stresslab against the target through the api proxy, with a real CLI command line', async () => {
    const s = svc('stresslab');
    const words = [...(s.entrypoint ?? []), ...(s.command ?? [])];
    const call = parseStresslabCall(words);
    expect(call?.command).toBe('run');
    const arg = (flag: string): string | undefined => words[words.indexOf(`--${flag}`) + 1];
    const target = new URL(arg('target') ?? '');
    expect(`${target.hostname}:${target.port}`).toBe(`toxiproxy:${hostPort(proxy('api').listen).port}`);
    expect(new URL(arg('toxiproxy') ?? '').host).toBe('toxiproxy:8474');
    // The CLI's own guard must let these URLs through with the flags given.
    const allowTargets = words.flatMap((w, i) => (words[i - 1] === '--allow-target' ? [w] : []));
    expect(checkAllowedTargets({ urls: [target.href, arg('toxiproxy') ?? ''], allowTargets })).toEqual({ ok: true });
    expect(call?.flags).toContain('yes');
    expect(await presetNames()).toContain(call?.positionals[0]);
    const known = cliOptions().get('run') ?? new Set();
    for (const f of call?.flags ?? []) expect(known.has(f), `run --${f}`).toBe(true);
    expect(mountSource(s, '/app/reports')).toBe('./reports');
    expect(s.healthcheck?.disable).toBe(true);
  });
});

describe('target/Dockerfile', () => {
  const dockerfile = read('target/Dockerfile');
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ignored = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));

  it('is node:20-slim, installs with npm ci and starts the target with tsx', () => {
    expect(instructions[0]).toBe('FROM node:20-slim');
    expect(instructions.some((l) => /^RUN npm ci\b/.test(l))).toBe(true);
    const cmd = JSON.parse(instructions.find((l) => l.startsWith('CMD '))?.slice(4) ?? '[]') as string[];
    expect(cmd).toEqual(['node', '--import', 'tsx', 'target/main.ts']);
    expect(existsSync(path.join(root, cmd[3] ?? ''))).toBe(true);
  });

  it('copies only files that exist and that .dockerignore does not drop', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY '));
    expect(copies.length).toBeGreaterThan(3);
    const sources = copies.flatMap((l) => l.split(/\s+/).slice(1, -1).filter((w) => !w.startsWith('--')));
    for (const src of sources) {
      expect(existsSync(path.join(root, src)), `COPY ${src}`).toBe(true);
      expect(ignored, `${src} is dockerignored`).not.toContain(src);
    }
    // Everything the two commands run must be in the image.
    for (const needed of ['package-lock.json', 'bin', 'harness', 'target', 'scenarios']) expect(sources).toContain(needed);
    expect(sources).toContain(path.dirname(svc('stresslab').entrypoint?.find((w) => w.endsWith('.mjs')) ?? 'missing/x'));
  });
});
