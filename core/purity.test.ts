// The purity rule (DESIGN.md §2): code in core/ and sim/ reaches the world only through the injected
// Clock, Random, Transport and Storage. This test reads every non-test source file there and fails on any
// wall clock, timer, Math.random or I/O module import.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const forbiddenModules = [
  'fs', 'fs/promises', 'net', 'dgram', 'child_process', 'os', 'http', 'https', 'http2', 'tls',
  'worker_threads', 'cluster', 'perf_hooks', 'timers', 'timers/promises', 'readline', 'process',
];
const forbiddenCalls: Array<[RegExp, string]> = [
  [/\bDate\.now\b/, 'Date.now (wall clock)'],
  [/\bnew\s+Date\s*\(/, 'new Date() (wall clock)'],
  [/(^|[^.\w])Date\s*\(/, 'Date() (wall clock)'],
  [/\bperformance\.now\b/, 'performance.now (wall clock)'],
  [/\bprocess\.hrtime\b/, 'process.hrtime (wall clock)'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'timer (use the injected Clock)'],
  [/\bqueueMicrotask\s*\(/, 'queueMicrotask (use the injected Clock)'],
  [/\bprocess\.nextTick\b/, 'process.nextTick (use the injected Clock)'],
  [/\bMath\.random\b/, 'Math.random (use the injected Random)'],
];

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

export function purityViolations(source: string): string[] {
  const code = stripComments(source);
  const found: string[] = [];
  for (const [pattern, what] of forbiddenCalls) if (pattern.test(code)) found.push(what);
  const importRe = /(?:from\s+|require\s*\(\s*|import\s*\(\s*|import\s+)['"](?:node:)?([\w/]+)['"]/g;
  for (const m of code.matchAll(importRe)) {
    if (forbiddenModules.includes(m[1]!)) found.push(`import of "${m[1]}" (I/O belongs in adapters/)`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !/\.(test|spec|contract)\.ts$/.test(entry.name)) out.push(full);
  }
  return out;
}

describe('purity of core/ and sim/', () => {
  it('detects each kind of violation (the check itself works)', () => {
    assert.ok(purityViolations('const t = Date.now();').length > 0);
    assert.ok(purityViolations('setTimeout(f, 1)').length > 0);
    assert.ok(purityViolations('x = Math.random()').length > 0);
    assert.ok(purityViolations("import * as fs from 'node:fs';").length > 0);
    assert.ok(purityViolations("const n = require('net');").length > 0);
    assert.ok(purityViolations('const d = new Date(0)').length > 0);
    assert.deepEqual(purityViolations("import { x } from './net';\n// Date.now() in a comment"), []);
  });

  it('finds none in core/ and sim/', () => {
    const files = [...sourceFiles(path.join(repoRoot, 'core')), ...sourceFiles(path.join(repoRoot, 'sim'))];
    assert.ok(files.length > 0, `no sources found under ${repoRoot}`);
    const problems = files.flatMap((f) =>
      purityViolations(fs.readFileSync(f, 'utf8')).map((v) => `${path.relative(repoRoot, f)}: ${v}`),
    );
    assert.deepEqual(problems, []);
  });
});
