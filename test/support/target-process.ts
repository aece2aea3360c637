import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface TargetProcess {
  child: ChildProcess;
  url: string;
  pid: number;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  stderr(): string;
}

/** Starts `node --import tsx reference-service/main.ts` and waits for its `listening` line. */
export async function spawnTarget(env: Record<string, string>, timeoutMs = 20_000): Promise<TargetProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'reference-service/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const listening = new Promise<{ url: string; pid: number }>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        if (line.includes('"listening"')) resolve(JSON.parse(line) as { url: string; pid: number });
      }
    });
    void exited.then((code) => reject(new Error(`reference service exited (${code}) before listening:\n${err}`)));
    setTimeout(() => reject(new Error(`reference service not listening after ${timeoutMs} ms:\n${err}`)), timeoutMs).unref();
  });
  try {
    const { url, pid } = await listening;
    return { child, url, pid, exited, stderr: () => err };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}
