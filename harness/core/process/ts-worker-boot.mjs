// Entry of worker threads whose code is TypeScript. Node 20 does not apply `--import tsx` from a
// Worker's execArgv, so the worker loads tsx's scoped loader itself and imports the real module.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.moduleUrl, import.meta.url);
