import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small valid scenario touching most sections, for tests to mutate. */
export function baseScenario(): Record<string, unknown> {
  return {
    name: 'unit',
    description: 'unit-test scenario',
    target: { url: 'embedded' },
    requests: [
      { name: 'validate', method: 'POST', path: '/v1/validate', bodyFile: 'data/body.json', weight: 2 },
      {
        name: 'execute',
        method: 'POST',
        path: '/v1/executions',
        headers: { 'Idempotency-Key': '{{uuid}}' },
        body: { asset_id: '{{randInt 1 200}}', action: 'sync' },
        capture: { executionId: 'id' },
      },
      { name: 'status', method: 'GET', path: '/v1/executions/{{captured executionId}}' },
    ],
    load: [
      { name: 'warm', executor: 'constant-arrival-rate', rate: 20, duration: '30s', preAllocatedVUs: 5, maxVUs: 10 },
      { name: 'closed', executor: 'constant-vus', vus: 2, duration: '20s', startTime: '30s', requests: ['validate', 'execute'] },
    ],
    thresholds: { http_req_failed: ['rate<0.01'], 'http_req_duration{request:validate}': ['p(95)<300'] },
    faults: [{ kind: 'db-latency', at: '10s', duration: '5s', latencyMs: 100 }],
    audit: { executions: { capture: 'executionId' } },
    profiles: { quick: { scale: { duration: 0.5 } } },
  };
}

/** A temp folder with data/body.json; returns a writer for scenario files inside it. */
export function scenarioDir(): { dir: string; write(name: string, content: unknown): string } {
  const dir = mkdtempSync(join(tmpdir(), 'stresslab-scenario-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'body.json'), JSON.stringify({ schema: { columns: [] }, rows: [{ id: '{{seq}}' }] }));
  return {
    dir,
    write(name, content) {
      const file = join(dir, name);
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return file;
    },
  };
}
