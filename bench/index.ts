/**
 * `npm run bench`: the load-engine comparison (wrk, raw autocannon, our engines) and the
 * embedded proxy vs a direct connection, one after the other. Each prints its own medians and ratios.
 * The 10-minute memory run is `npm run bench:memory`; the reference service's is `npm run bench:target`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['load.bench.ts', 'proxy.bench.ts', 'postgres-proxy.bench.ts'];
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${file}`, import.meta.url))], { stdio: 'inherit' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  if (code !== 0) failed++;
}
process.exitCode = failed > 0 ? 1 : 0;
