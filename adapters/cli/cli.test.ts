import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const main = path.join(__dirname, 'main.js');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function traceHash(stdout: string): string {
  const last = stdout.trimEnd().split('\n').pop()!;
  const m = /^trace-hash: ([0-9a-f]{64})$/.exec(last);
  assert.ok(m, `last line is not a trace hash: ${last}`);
  return m[1]!;
}

describe('ovn-ts CLI', () => {
  it('sim: the same seed gives the same trace hash in two separate processes', () => {
    const a = cli('sim', 'kernel-demo', '--seed', '42');
    const b = cli('sim', 'kernel-demo', '--seed', '42');
    assert.equal(a.code, 0, a.stderr);
    assert.equal(traceHash(a.stdout), traceHash(b.stdout));
    assert.equal(a.stdout, b.stdout);
  });

  it('sim: different seeds give different traces', () => {
    assert.notEqual(traceHash(cli('sim', '--seed', '1').stdout), traceHash(cli('sim', '--seed', '2').stdout));
  });

  it('sim --trace writes the trace whose lines make the hash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-cli-'));
    try {
      const file = path.join(dir, 'trace.txt');
      const r = cli('sim', '--seed', '9', '--trace', file);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.split('\n').length > 50);
      const { createHash } = require('node:crypto') as typeof import('node:crypto');
      assert.equal(createHash('sha256').update(text).digest('hex'), traceHash(r.stdout));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown subcommands, flags and scenarios with one line and exit code 2', () => {
    for (const args of [['frobnicate'], ['sim', '--bogus'], ['sim', 'no-such-scenario'], ['sim', '--seed', 'a b']]) {
      const r = cli(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    }
  });

  it('has --help on the program and on every subcommand', () => {
    const top = cli('--help');
    assert.equal(top.code, 0);
    const subcommands = [...top.stdout.matchAll(/^ {2}(\w[\w-]*) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    assert.ok(subcommands.includes('sim'));
    for (const c of subcommands) {
      const r = cli(c, '--help');
      assert.equal(r.code, 0, c);
      assert.match(r.stdout, new RegExp(`Usage: ovn-ts ${c}`));
    }
  });

  it('trace and lflow-compile fail at once, like ovn-trace, when the database cannot be reached', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-cli-'));
    try {
      const sock = `unix:${path.join(dir, 'none.sock')}`;
      for (const args of [['trace', `--db=${sock}`, 'sw0', 'inport == "a"'], ['lflow-compile', `--db=${sock}`, '--chassis=hv1']]) {
        const r = cli(...args);
        assert.equal(r.code, 1, args.join(' '));
        assert.equal(r.stdout, '');
        // Not the give-up-after-a-while message: the first failed attempt ends the command.
        assert.match(r.stderr, new RegExp(`^ovn-ts: ${args[0]}: ${sock}: database connection failed \\(.*ENOENT.*\\)\\n$`));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
