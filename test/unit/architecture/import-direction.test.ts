import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The layers of docs/architecture.md, lowest first. A file may import its own layer's folder and
 * any layer with a lower rank; folders that share a rank are siblings and may not import each other.
 * A sub-folder listed here is its own layer; one not listed belongs to its parent's.
 */
const HARNESS_LAYERS: Readonly<Record<string, number>> = {
  core: 0,
  'core/process': 1,
  contract: 2,
  toxiproxy: 3,
  faults: 3,
  scenario: 4,
  plan: 5,
  load: 5,
  metrics: 6,
  'analysis/stats': 7,
  analysis: 8,
  report: 9,
  baseline: 9,
  calibration: 9,
  k6: 9,
  run: 10,
  cli: 11,
};

/** Programs of the repository: which others each may import (none may import the harness but itself). */
const PROGRAMS: Readonly<Record<string, readonly string[]>> = {
  'process-kit': [],
  'reference-service': ['process-kit'],
  harness: ['process-kit'],
};

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** Every relative import of the programs' files: static, type-only, re-exports and dynamic import(). */
export function importEdges(repo: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const program of Object.keys(PROGRAMS)) {
    for (const file of sourceFiles(path.join(repo, program))) {
      const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        edges.push({
          from: path.relative(repo, file).split(path.sep).join('/'),
          to: path.relative(repo, path.resolve(path.dirname(file), ref.fileName)).split(path.sep).join('/'),
          specifier: ref.fileName,
        });
      }
    }
  }
  return edges;
}

/** `harness/analysis/stats` for harness/analysis/stats/x.ts; `harness` for harness/index.ts; the program otherwise. */
function unitOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'harness') return parts[0] ?? file;
  if (parts.length === 2) return 'harness';
  const sub = `${parts[1]}/${parts[2]}`;
  return parts.length > 3 && sub in HARNESS_LAYERS ? `harness/${sub}` : `harness/${parts[1]}`;
}

function rankOf(unit: string): number | undefined {
  return unit === 'harness' ? Number.POSITIVE_INFINITY : HARNESS_LAYERS[unit.slice('harness/'.length)];
}

/** Imports that go up or sideways in the layer list, or across programs; empty when the graph is one-way. */
export function violations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    const from = unitOf(e.from);
    const to = unitOf(e.to);
    const fromProgram = e.from.split('/')[0] ?? '';
    const toProgram = e.to.split('/')[0] ?? '';
    if (fromProgram !== toProgram) {
      if (!(PROGRAMS[fromProgram] ?? []).includes(toProgram)) out.push(`${e.from} imports ${e.to}: ${fromProgram}/ may not import ${toProgram}/`);
      continue;
    }
    if (fromProgram !== 'harness' || from === to) continue;
    const a = rankOf(from);
    const b = rankOf(to);
    if (a === undefined || b === undefined) out.push(`${e.from} imports ${e.to}: ${a === undefined ? from : to}/ is not in the layer list`);
    else if (b >= a) out.push(`${e.from} imports ${e.to}: ${to}/ is ${b === a ? 'a sibling of' : 'above'} ${from}/`);
  }
  return out;
}

/** Folder-level cycles (strongly connected components of more than one folder). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const adj = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = unitOf(e.from);
    const b = unitOf(e.to);
    if (a === b || a === 'harness') continue;
    if (!adj.has(a)) adj.set(a, new Set());
    if (!adj.has(b)) adj.set(b, new Set());
    adj.get(a)?.add(b);
  }
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of adj.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w !== undefined) {
          onStack.delete(w);
          component.push(w);
        }
      } while (w !== undefined && w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of adj.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe('import direction', () => {
  const edges = importEdges(root);

  it('reads the real import graph', () => {
    // A parser that found nothing would make the checks below pass vacuously.
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from.startsWith('harness/cli/') && e.to.startsWith('harness/run/'))).toBe(true);
  });

  it('every import goes down the layer list, and no program imports another it may not', () => {
    expect(violations(edges)).toEqual([]);
  });

  it('no folder is in an import cycle', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('every harness folder has a place in the layer list', () => {
    const folders = fs
      .readdirSync(path.join(root, 'harness'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.filter((f) => !(f in HARNESS_LAYERS))).toEqual([]);
  });

  describe('on a tree that breaks the rules', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stresslab-imports-'));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const write = (file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
      fs.writeFileSync(path.join(tmp, file), text);
    };
    write('harness/core/clock.ts', "import type { Plan } from '../contract/plan-types.ts';\nexport const x = 1;\n");
    write('harness/contract/plan-types.ts', 'export interface Plan { a: number }\n');
    write('harness/run/drive-run.ts', "export async function f() { return import('../cli/live-view.ts'); }\n");
    write('harness/cli/live-view.ts', "import { x } from '../run/drive-run.ts';\nexport { x };\n");
    write('harness/report/a.ts', "export { y } from '../baseline/b.ts';\n");
    write('harness/baseline/b.ts', 'export const y = 2;\n');
    write('harness/run/target.ts', "import '../../reference-service/main.ts';\n");
    write('reference-service/main.ts', "import { E } from '../harness/core/clock.ts';\nimport { k } from '../process-kit/stop-child.ts';\n");
    write('process-kit/stop-child.ts', 'export const k = 1;\n');
    const broken = importEdges(tmp);

    it('names each import that goes up, sideways or across programs', () => {
      expect(violations(broken).sort()).toEqual([
        'harness/core/clock.ts imports harness/contract/plan-types.ts: harness/contract/ is above harness/core/',
        'harness/report/a.ts imports harness/baseline/b.ts: harness/baseline/ is a sibling of harness/report/',
        'harness/run/drive-run.ts imports harness/cli/live-view.ts: harness/cli/ is above harness/run/',
        'harness/run/target.ts imports reference-service/main.ts: harness/ may not import reference-service/',
        'reference-service/main.ts imports harness/core/clock.ts: reference-service/ may not import harness/',
      ]);
    });

    it('finds the folder cycle', () => {
      expect(folderCycles(broken)).toEqual([['harness/cli', 'harness/run']]);
    });
  });
});
