import { describe, expect, it } from 'vitest';
import { describeTouches } from '../../../harness/plan/describe-touches.ts';
import { buildPlan, planProblems } from '../../../harness/plan/build-plan.ts';
import { scenarioFromSource, loadScenario } from '../../../harness/scenario/load-scenario.ts';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function touches(name: string, ctx: Parameters<typeof describeTouches>[2]): Promise<string> {
  const { scenario, profile } = await loadScenario(name, { cwd: root, profile: 'quick' });
  return describeTouches(buildPlan(scenario, { seed: 1, profile }), scenario, ctx);
}

const embedded = { targetUrl: 'embedded', toxiproxyUrl: null, embedded: true };

describe('describeTouches', () => {
  it('chaos-network against a staging stack: redacted URLs, the proxy, one line per toxic', async () => {
    const text = await touches('chaos-network', { targetUrl: 'http://user:pw@toxiproxy:8666', toxiproxyUrl: 'http://toxiproxy:8474', embedded: false });
    expect(text).toContain('Target     http://***@toxiproxy:8666');
    expect(text).not.toContain('pw');
    expect(text).toMatch(/Toxiproxy  http:\/\/toxiproxy:8474\n {2}proxies: "api"/);
    expect(text).toMatch(/net-latency#1 \(net-latency\) .*adds a latency toxic \(latency=300ms jitter=50ms, downstream\) to proxy "api"/);
    expect(text).toMatch(/net-reset#1 .*reset_peer toxic/);
    expect(text).toMatch(/net-partition#1 .*disables proxy "api"/);
    expect(text).toContain('none started, killed or paused');
    expect(text).not.toContain('reference service (node reference-service/main.ts)');
  });

  it('chaos-db embedded: both injections of the repeated fault, the db proxy, the managed target', async () => {
    const text = await touches('chaos-db', embedded);
    expect(text).toContain('embedded reference service on 127.0.0.1');
    expect(text).toMatch(/proxies: "db"/);
    expect(text).toMatch(/db-down#1 .*disables proxy "db"/);
    expect(text).toMatch(/db-down#2 .*disables proxy "db"/);
    expect(text).toContain('starts the reference service');
    expect(text).toContain('after the load: the integrity audit (lookup POST /v1/executions/lookup) for every captured executionId');
  });

  it('process, cpu and memory faults list the processes they start, kill or pause', async () => {
    const proc = await touches('chaos-process', embedded);
    expect(proc).toMatch(/Processes\n.*\n {2}sends SIGKILL to the managed target, restarts it after \d/);
    expect(proc).toContain('pauses the managed target (SIGSTOP)');
    expect(proc).toContain('Toxiproxy  not used');
    expect(await touches('chaos-cpu', embedded)).toContain('starts 2 CPU hog process(es) at 80% duty');
    expect(await touches('chaos-memory', embedded)).toMatch(/starts a child process allocating and touching 1024 MB/);
  });

  it('database-level faults, exec commands, and a repeated action listed once', async () => {
    const raw = {
      name: 'db-drill',
      description: 'database-level drill',
      target: { url: 'http://127.0.0.1:8080' },
      requests: [{ name: 'health', method: 'GET', path: '/healthz' }],
      load: [{ executor: 'constant-vus', vus: 1, duration: '60s' }],
      faults: [
        { kind: 'db-lock', table: 'executions', at: '5s', duration: '5s', every: '10s', times: 3, databaseUrlEnv: 'ADMIN_DB_URL' },
        { kind: 'db-kill-backends', applicationName: 'svc', at: '40s', duration: '5s' },
        { kind: 'db-pool-exhaustion', connections: 90, at: '50s', duration: '5s' },
        { kind: 'exec', inject: 'kubectl scale deploy/x --replicas=0', remove: 'kubectl scale deploy/x --replicas=2', at: '20s', duration: '5s' },
      ],
    };
    const { scenario, profile } = await scenarioFromSource(raw, `${root}/db-drill.json`, { check: planProblems });
    const text = describeTouches(buildPlan(scenario, { seed: 1, profile }), scenario, { targetUrl: 'http://127.0.0.1:8080', toxiproxyUrl: null, embedded: false });
    const database = text.slice(text.indexOf('Database'));
    expect(database.match(/LOCK TABLE executions IN ACCESS EXCLUSIVE MODE/g)).toHaveLength(1);
    expect(text.match(/db-lock#\d/g)).toEqual(['db-lock#1', 'db-lock#2', 'db-lock#3']);
    expect(database).toContain('on $ADMIN_DB_URL');
    expect(database).toMatch(/pg_terminate_backend.*application_name svc/);
    expect(database).toContain('opens and holds 90 connections');
    expect(text).toMatch(/Commands\n {2}runs `kubectl scale deploy\/x --replicas=0`, later `kubectl scale deploy\/x --replicas=2`/);
  });

  it('a load-only preset touches the target and nothing else', async () => {
    const text = await touches('light', { targetUrl: 'https://api.example.com', toxiproxyUrl: null, embedded: false });
    expect(text).toContain('Target     https://api.example.com');
    expect(text).not.toContain('Faults');
    expect(text).toContain('Toxiproxy  not used');
    expect(text).toContain('no database-level actions');
  });
});
