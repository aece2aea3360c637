import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/core/repo-root.ts';

const exec = promisify(execFile);

/** What `npm pack` takes: package.json's "files" (plus the manifest, lock and build config), copied; node_modules linked. */
async function stageCheckout(dir: string): Promise<void> {
  const manifest = JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
  const entries = new Set([...manifest.files.map((f) => f.replace(/\/$/, '')), 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'harness', 'process-kit', 'reference-service']);
  entries.delete('dist');
  for (const e of entries) await fs.cp(path.join(repoRoot, e), path.join(dir, e), { recursive: true });
  await fs.symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
}

/**
 * stresslab as a user installs it: `npm pack`, then `npm i -D ./stresslab-*.tgz` in an empty project
 * under `work` (returned). The package is packed from a copy of the checkout, so its `prepare` build
 * runs as it does for `npm pack` without touching this checkout's dist/, which other tests run. The
 * project gets stresslab's dependencies but not its devDependencies (no tsx, no TypeScript); the npm
 * cache that `npm ci` filled serves them (--prefer-offline).
 */
export async function installPackedPackage(work: string): Promise<string> {
  const staged = path.join(work, 'checkout');
  await fs.mkdir(staged);
  await stageCheckout(staged);
  const { stdout } = await exec('npm', ['pack', '--silent', '--pack-destination', work], { cwd: staged, maxBuffer: 16 << 20 });
  const tarball = path.join(work, stdout.trim().split('\n').at(-1)!);
  const project = path.join(work, 'project');
  await fs.mkdir(project);
  await fs.writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'my-load-tests', version: '1.0.0', private: true }));
  await exec('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project, maxBuffer: 16 << 20 });
  return project;
}
