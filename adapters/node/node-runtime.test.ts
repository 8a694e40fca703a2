import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { makeTempDir, waitUntilReal } from './contract-envs';
import { createNodeRuntime } from './node-runtime';
import { formatVlogLine, type VlogStyle } from './vlog-format';

class Collector {
  readonly lines: string[] = [];
  private partial = '';
  write(text: string): boolean {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop()!;
    this.lines.push(...parts);
    return true;
  }
}

const vlogLine = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|\d{5,}\|[\w-]+\|(EMER|ERR|WARN|INFO|DBG)\|/;

describe('vlog line format', () => {
  it('renders %D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c|%p|%m', () => {
    const at = Date.UTC(2026, 10, 25, 16, 0, 0, 123);
    assert.equal(formatVlogLine(at, 1, 'module', 'info', 'message'), '2026-11-25T16:00:00.123Z|00001|module|INFO|message');
    assert.equal(formatVlogLine(at, 123456, 'raft', 'dbg', 'x'), '2026-11-25T16:00:00.123Z|123456|raft|DBG|x');
    assert.equal(formatVlogLine(at, 7, 'm', 'emer', ''), '2026-11-25T16:00:00.123Z|00007|m|EMER|');
    assert.match(formatVlogLine(at, 2, 'm', 'warn', 'w'), /\|WARN\|w$/);
    assert.match(formatVlogLine(at, 3, 'm', 'err', 'e'), /\|ERR\|e$/);
    assert.equal(formatVlogLine(at + 900, 4, 'm', 'info', 'c', 'console'), '2026-11-25T16:00:01Z|00004|m|INFO|c');
  });

  describe('against upstream ovsdb-server --log-file', () => {
    let dir: string;
    before(function () {
      upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool');
    });
    afterEach(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('formats the lines upstream writes identically, to its log file and to stderr', async () => {
      dir = makeTempDir('vlog');
      const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVN_RUNDIR: dir };
      const db = path.join(dir, 'conf.db');
      execFileSync('ovsdb-tool', ['create', db, '/usr/share/openvswitch/vswitch.ovsschema'], { env });
      const log = path.join(dir, 'ovsdb-server.log');
      const child = spawn(
        'ovsdb-server',
        [`--log-file=${log}`, `--remote=punix:${path.join(dir, 'db.sock')}`, `--unixctl=${path.join(dir, 'ctl')}`, db],
        { env, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const linesOf = (text: string): string[] => text.split('\n').filter(Boolean);
      const fileLines = (): string[] => (fs.existsSync(log) ? linesOf(fs.readFileSync(log, 'utf8')) : []);
      try {
        await waitUntilReal(() => fileLines().length >= 2 && linesOf(stderr).length >= 2, 'upstream log lines', 10_000);
      } finally {
        if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
        await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      }
      const levelName = { EMER: 'emer', ERR: 'err', WARN: 'warn', INFO: 'info', DBG: 'dbg' } as const;
      const reformat = (line: string, style: VlogStyle): string => {
        const [stamp, serial, module, level, ...rest] = line.split('|');
        const at = Date.parse(stamp!);
        assert.ok(Number.isFinite(at), `upstream timestamp "${stamp}"`);
        return formatVlogLine(at, Number(serial), module!, levelName[level as keyof typeof levelName], rest.join('|'), style);
      };
      for (const line of fileLines()) {
        assert.match(line, vlogLine);
        assert.equal(reformat(line, 'file'), line);
      }
      for (const line of linesOf(stderr)) assert.equal(reformat(line, 'console'), line);
    });
  });
});

describe('createNodeRuntime', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('runtime')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs the random seed first, then numbered vlog lines at or above the level', () => {
    const out = new Collector();
    const rt = createNodeRuntime({ storageRoot: path.join(dir, 'data'), logStream: out });
    rt.log('info', 'ovsdb_server', 'hello');
    rt.log('dbg', 'ovsdb_server', 'hidden at the default level');
    rt.log('err', 'raft', 'trouble');
    assert.equal(out.lines.length, 3);
    for (const line of out.lines) assert.match(line, vlogLine);
    assert.match(out.lines[0]!, new RegExp(`\\|00001\\|runtime\\|INFO\\|random seed ${rt.seed} \\(replay with --seed=${rt.seed}\\)$`));
    assert.match(out.lines[1]!, /\|00002\|ovsdb_server\|INFO\|hello$/);
    assert.match(out.lines[2]!, /\|00003\|raft\|ERR\|trouble$/);
    assert.equal(rt.random.seedPath, rt.seed);
  });

  it('replays a seed, shows debug lines when asked, and wires working clock and storage', () => {
    const out = new Collector();
    const a = createNodeRuntime({ storageRoot: path.join(dir, 'a'), logStream: out, seed: 'abc', logLevel: 'dbg' });
    const consoleOut = new Collector();
    const b = createNodeRuntime({ storageRoot: path.join(dir, 'b'), logStream: consoleOut, seed: 'abc', logStyle: 'console' });
    assert.match(consoleOut.lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|00001\|runtime\|INFO\|random seed abc /);
    assert.equal(a.random.next(), b.random.next());
    a.log('dbg', 'm', 'visible');
    assert.match(out.lines.at(-1)!, /\|m\|DBG\|visible$/);
    a.storage.write('x/y', new Uint8Array([9]));
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'a', 'x', 'y'))], [9]);
    assert.ok(Math.abs(a.clock.wallClockMs() - Date.now()) < 100);
  });

  it('writes to stderr by default', () => {
    const script = `require(${JSON.stringify(path.join(__dirname, 'node-runtime.js'))}).createNodeRuntime({ storageRoot: ${JSON.stringify(dir)}, seed: 's1' }).log('warn', 'mod', 'to stderr');`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '');
    const lines = String(result.stderr).trim().split('\n');
    assert.match(lines[0]!, /\|00001\|runtime\|INFO\|random seed s1 /);
    assert.match(lines[1]!, /\|00002\|mod\|WARN\|to stderr$/);
  });
});
