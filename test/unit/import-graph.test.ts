/**
 * DESIGN.md: arrows point down, and a cycle between two files or two folders of src/ is a design
 * bug. This reads every relative import (type imports too: they say which way a folder depends)
 * and fails on any cycle, naming the imports that close it.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(new URL('../../src', import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** file (relative to src) → the files it imports or re-exports from. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)]
      .map((m) => relative(SRC, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
    graph.set(relative(SRC, file), targets);
  }
  return graph;
}

/** Every strongly connected group of more than one node (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do { w = stack.pop()!; group.push(w); } while (w !== v);
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : '.');

test('no two files of src/ import each other, directly or through others', () => {
  assert.deepEqual(cycles(importGraph()), []);
});

test('no two folders of src/ depend on each other', () => {
  const folders = new Map<string, Set<string>>();
  const why: string[] = [];
  for (const [file, targets] of importGraph()) {
    for (const target of targets.filter((t) => folderOf(t) !== folderOf(file))) {
      folders.set(folderOf(file), (folders.get(folderOf(file)) ?? new Set()).add(folderOf(target)));
      why.push(`${file} → ${target}`);
    }
  }
  const graph = new Map([...folders].map(([f, to]) => [f, [...to]]));
  const found = cycles(graph);
  assert.deepEqual(found, [], found.map((c) => why.filter((w) => c.includes(folderOf(w.split(' → ')[0]!)) && c.includes(folderOf(w.split(' → ')[1]!))).join('\n')).join('\n\n'));
});

/** Dependencies kept before their first import, with the reason; empty this as their code lands. */
const AWAITING_CODE: Readonly<Record<string, string>> = {};

test('every runtime dependency is imported by src/ or bin/', () => {
  const pkg = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const code = [...sourceFiles(SRC), join(SRC, '../bin/ripcord.js')].map((f) => readFileSync(f, 'utf8')).join('\n');
  const unused = Object.keys(pkg.dependencies).filter((dep) => !AWAITING_CODE[dep])
    .filter((dep) => !new RegExp(`(?:from |import\\()'${dep.replace(/[/.]/g, '\\$&')}(?:/[^']*)?'`).test(code));
  assert.deepEqual(unused, [], 'remove them from package.json, or import them');
});
