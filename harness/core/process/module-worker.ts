import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread running one of stresslab's modules (module-entry.ts's moduleUrl); the module
 * reads its own data from `workerData.data`. Compiled, the module is the worker's entry. From the
 * TypeScript sources, tsx loads it (ts-worker-boot.mjs), which costs ≈0.5 s of CPU per worker; that
 * works the same under `node --import tsx`, bin/stresslab.mjs and vitest.
 */
export function startModuleWorker(moduleUrl: URL, data: unknown): Worker {
  const boot = moduleUrl.pathname.endsWith('.ts') ? new URL('./ts-worker-boot.mjs', import.meta.url) : moduleUrl;
  return new Worker(boot, { workerData: { moduleUrl: moduleUrl.href, data }, stdout: false, stderr: false });
}
