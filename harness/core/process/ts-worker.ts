import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running a TypeScript module (no build step: tsx loads it, see
 * ts-worker-boot.mjs). The module reads its own data from `workerData.data`. Works the same under
 * `node --import tsx`, bin/stresslab.mjs and vitest. Startup costs ≈0.5 s of CPU (tsx in the worker).
 */
export function startTsWorker(moduleUrl: URL, data: unknown): Worker {
  const boot = moduleUrl.pathname.endsWith('.ts') ? new URL('./ts-worker-boot.mjs', import.meta.url) : moduleUrl;
  return new Worker(boot, { workerData: { moduleUrl: moduleUrl.href, data }, stdout: false, stderr: false });
}
