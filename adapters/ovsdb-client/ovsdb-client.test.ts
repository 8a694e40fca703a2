// `ovn-ts ovsdb-client` against upstream's ovsdb-client (the oracle), both talking to a real upstream
// ovsdb-server whose database files were made and filled by our ovsdb-tool: same command lines must give
// the same stdout, stderr and exit status, including for bad input.
import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { createNodeRandom } from '../node/node-random';
import { runOvsdbClient } from './client-commands';
import { runTool } from './process-io';
import { runOvsdbTool } from './tool-commands';
import { ToolExit } from './tool-exit';
import type { ToolIo } from './tool-io';

const main = path.join(__dirname, '..', 'cli', 'main.js');
const nbSchema = '/usr/share/ovn/ovn-nb.ovsschema';
const sbSchema = '/usr/share/ovn/ovn-sb.ovsschema';
/** A schema with every atomic type, constraints, references and odd strings, to exercise cell printing. */
const typesSchema = {
  name: 'Types', version: '1.2.3', tables: {
    Every: {
      columns: {
        i: { type: 'integer' }, r: { type: 'real' }, b: { type: 'boolean' }, s: { type: 'string' }, u: { type: 'uuid' },
        e: { type: { key: { type: 'string', enum: ['set', ['one', 'two', 'three']] } } },
        ri: { type: { key: { type: 'integer', minInteger: -5, maxInteger: 500 }, min: 0, max: 3 } },
        reals: { type: { key: 'real', min: 0, max: 'unlimited' } },
        m: { type: { key: 'integer', value: 'real', min: 0, max: 'unlimited' } },
        strong: { type: { key: { type: 'uuid', refTable: 'Child' }, min: 0, max: 'unlimited' } },
        weak: { type: { key: { type: 'uuid', refTable: 'Child', refType: 'weak' }, min: 0, max: 1 } },
        flags: { type: { key: 'string', value: 'boolean', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Child: { columns: { name: { type: 'string' }, n: { type: { key: 'integer', min: 0, max: 1 } } }, indexes: [['name']] },
  },
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('ovn-ts ovsdb-client vs upstream ovsdb-client (real ovsdb-server)', function () {
  this.timeout(60_000);
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  let server: ChildProcess | null = null;

  const io = (out: string[], err: string[]): ToolIo => ({
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    nowMs: () => Date.now(),
    random: createNodeRandom(),
  });
  const tool = (...args: string[]): Run => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runTool('ovsdb-tool', io(out, err), () => runOvsdbTool(args.map((a) => (a.endsWith('.db') ? path.join(dir, a) : a)), io(out, err)));
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  /** Our client, in this process (a Node start costs ~0.4 s here). */
  const ours = async (...args: string[]): Promise<Run> => {
    const out: string[] = [];
    const err: string[] = [];
    let code: number;
    try {
      code = await runOvsdbClient(args, io(out, err));
    } catch (e) {
      if (!(e instanceof ToolExit)) throw e;
      err.push(`ovsdb-client: ${e.message}\n`);
      code = e.status;
    }
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  const theirs = (...args: string[]): Run => {
    const r = spawnSync('ovsdb-client', args, { env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const same = async (...args: string[]): Promise<Run> => {
    const a = await ours(...args);
    assert.deepEqual(a, theirs(...args), `ovsdb-client ${args.join(' ')}`);
    return a;
  };
  const upstreamTransact = (txn: string): void => {
    const r = theirs('transact', txn);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /"error"/, r.stdout);
  };

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-client', 'ovsdb-tool');
    if (!fs.existsSync(nbSchema) || !fs.existsSync(sbSchema)) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-ovsdb-client-'));
    env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVS_PKGDATADIR: dir };
    // The server's files are made and filled by our ovsdb-tool: upstream must read them.
    assert.equal(tool('create', 'nb.db', nbSchema).code, 0);
    assert.equal(tool('create', 'sb.db', sbSchema).code, 0);
    fs.writeFileSync(path.join(dir, 'types.ovsschema'), JSON.stringify(typesSchema));
    assert.equal(tool('create', 'types.db', path.join(dir, 'types.ovsschema')).code, 0);
    const types = tool('transact', 'types.db', JSON.stringify(['Types',
      { op: 'insert', table: 'Child', row: { name: 'c1', n: 7 }, 'uuid-name': 'c1' },
      { op: 'insert', table: 'Child', row: { name: 'c 2 "q"' }, 'uuid-name': 'c2' },
      { op: 'insert', table: 'Every', row: { i: -42, r: 0.1, b: true, s: 'true', u: ['uuid', '01234567-89ab-cdef-0123-456789abcdef'], e: 'two', ri: ['set', [500, -5, 3]],
        reals: ['set', [1e-7, 2.5, 1e21, 3]], m: ['map', [[2, 0.5], [1, 1.25e100]]], strong: ['set', [['named-uuid', 'c1'], ['named-uuid', 'c2']]],
        weak: ['named-uuid', 'c2'], flags: ['map', [['a=b', true], ['', false], ['é ü', true]]] } },
      { op: 'insert', table: 'Every', row: { e: 'one', s: 'tab\there\nnewline, "quoted" & <b>', r: -0.000001 } },
      { op: 'insert', table: 'Every', row: { e: 'three', s: '123abc', i: 9007199254740991 } },
    ]));
    assert.equal(types.code, 0, types.stderr);
    assert.doesNotMatch(types.stdout, /"error"/, types.stdout);
    const fill = tool('transact', 'nb.db',
      '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"sw0","other_config":["map",[["a","b"],["x y","1"]]]},"uuid-name":"s"},' +
      '{"op":"insert","table":"Logical_Switch_Port","row":{"name":"p1","addresses":["set",["00:00:00:00:00:01 10.0.0.1","unknown"]]},"uuid-name":"p"},' +
      '{"op":"mutate","table":"Logical_Switch","where":[["name","==","sw0"]],"mutations":[["ports","insert",["set",[["named-uuid","p"]]]]]},' +
      '{"op":"insert","table":"Logical_Switch","row":{"name":"sw1"}},{"op":"insert","table":"NB_Global","row":{"name":"g","options":["map",[["k","v"]]]}},' +
      '{"op":"insert","table":"ACL","row":{"priority":1001,"direction":"to-lport","match":"ip4 && \\"quoted\\", <html> & more","action":"allow"}}]');
    assert.equal(fill.code, 0, fill.stderr);
    assert.doesNotMatch(fill.stdout, /"error"/, fill.stdout);
    server = spawn('ovsdb-server', [`--remote=punix:${dir}/db.sock`, `--unixctl=${dir}/ctl`, `--log-file=${dir}/server.log`, path.join(dir, 'nb.db'), path.join(dir, 'sb.db'), path.join(dir, 'types.db')], { env, stdio: 'ignore' });
    for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, 'db.sock')); i++) await sleep(50);
    assert.ok(fs.existsSync(path.join(dir, 'db.sock')), 'ovsdb-server did not start');
  });

  after(() => {
    if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints schemas, tables and columns identically', async () => {
    await same('list-dbs');
    for (const db of ['OVN_Northbound', 'OVN_Southbound', '_Server']) {
      await same('list-tables', db);
      await same('list-columns', db);
      await same('get-schema', db);
      await same('get-schema-version', db);
      await same('get-schema-cksum', db);
    }
    await same('list-columns', 'OVN_Northbound', 'ACL');
    await same('--pretty', 'get-schema', 'OVN_Northbound');
    await same('--format=list', 'list-columns', 'OVN_Southbound', 'Chassis');
    await same('--no-headings', '--format=csv', 'list-tables', `unix:${dir}/db.sock`, 'OVN_Southbound');
  });

  it('dumps identically in every format and data style', async () => {
    const formats = [[], ['--format=list'], ['--format=csv'], ['--format=html'], ['--format=json'], ['--format=json', '--pretty'], ['--bare'],
      ['--data=json'], ['--data=bare', '--format=list'], ['--no-headings'], ['--max-column-width=12'], ['-f', 'csv', '-d', 'json']];
    for (const f of formats) await same(...f, 'dump', 'OVN_Northbound');
    for (const f of formats) await same(...f, 'dump', 'Types');
    await same('list-columns', 'Types');
    await same('get-schema', 'Types');
    await same('query', '["Types",{"op":"select","table":"Every","where":[["i","==",-42]]}]');
    await same('dump', 'OVN_Northbound', 'Logical_Switch');
    await same('dump', 'OVN_Northbound', 'Logical_Switch', 'name', 'ports', 'other_config');
    await same('dump', 'OVN_Southbound');
    await same('dump', '_Server', 'Database', 'name', 'model', 'connected', 'leader', 'schema');
  });

  it('backs up databases as upstream does (all but "_date"), into files upstream ovsdb-tool reads', async () => {
    // The header's SHA-1 covers "_date", so compare lengths and bodies with the date masked.
    const mask = (text: string): string => text.replace(/"_date":\d+/g, '"_date":D').replace(/^(OVSDB JSON \d+) [0-9a-f]{40}$/gm, '$1');
    for (const db of ['OVN_Northbound', 'OVN_Southbound', '_Server', 'Types']) {
      const a = await ours('backup', db);
      const b = theirs('backup', db);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(mask(a.stdout), mask(b.stdout), db);
      assert.equal(a.stdout.split('\n').length, 5);
    }
    const file = path.join(dir, 'backup.db');
    fs.writeFileSync(file, (await ours('backup', 'Types')).stdout);
    const select = '["Types",{"op":"select","table":"Every","where":[["i","==",-42]],"columns":["r","reals","m","flags","strong","weak"]}]';
    const q = spawnSync('ovsdb-tool', ['query', file, select], { env, encoding: 'utf8' });
    assert.equal(q.status, 0, q.stderr);
    assert.equal(q.stdout, (await ours('query', select)).stdout);
  });

  it('transacts and queries identically', async () => {
    await same('query', '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["name","other_config"]}]');
    await same('--pretty', 'query', '["OVN_Northbound",{"op":"select","table":"ACL","where":[],"columns":["match","priority"]}]');
    await same('transact', '["OVN_Northbound",{"op":"select","table":"X","where":[]}]');
    await same('transact', `unix:${dir}/db.sock`, '["OVN_Northbound",{"op":"comment","comment":"c"}]');
    const insert = await ours('transact', '["OVN_Northbound",{"op":"insert","table":"Address_Set","row":{"name":"as1"}}]');
    assert.match(insert.stdout, /^\[\{"uuid":\["uuid","[0-9a-f-]{36}"\]\}\]\n$/);
    await same('query', '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[],"columns":["name"]}]');
    // A query's writes are aborted.
    const q = await ours('query', '["OVN_Northbound",{"op":"insert","table":"Address_Set","row":{"name":"as2"}}]');
    assert.match(q.stdout, /^\[\{"uuid":/);
    assert.equal((await same('query', '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[["name","==","as2"]]}]')).stdout, '[{"rows":[]}]\n');
    assert.equal((await ours('transact', '["OVN_Northbound",{"op":"delete","table":"Address_Set","where":[]}]')).stdout, '[{"count":1}]\n');
    await same('query', '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[]}]');
  });

  it('rejects bad input with the same message and exit status', async () => {
    const cases: string[][] = [
      [], ['frob'], ['list-dbs', 'extra'], ['list-tables'], ['list-tables', 'Nope'], ['list-tables', `unix:${dir}/nonexist.sock`],
      ['dump', 'OVN_Northbound', 'Nope'], ['dump', 'OVN_Northbound', 'NB_Global', 'nocol'],
      ['transact', '['], ['transact', '{}'], ['transact', '[]'], ['transact', '["Nope"]'], ['transact', '[1 2]'],
      ['query', '["Nope",{"op":"select","table":"X","where":[]}]'], ['monitor', 'OVN_Northbound', 'Nope'],
      ['monitor', 'OVN_Northbound', 'NB_Global', 'nocol'], ['monitor', 'OVN_Northbound', 'NB_Global', 'name,name'],
      ['monitor-cond', 'OVN_Northbound', '[]', 'Nope'], ['monitor-cond', 'OVN_Northbound', '[["x","==",1]]', 'NB_Global'],
      ['monitor-cond', 'OVN_Northbound', '[[', 'NB_Global'], ['monitor-cond', 'OVN_Northbound', '[['], ['get-schema', 'Nope'],
      ['monitor-cond-since', 'OVN_Northbound', '[]', 'Nope'], ['monitor-cond-since', 'OVN_Northbound', 'x', '[]', 'NB_Global'],
      ['--format=foo', 'list-tables'], ['--data=foo', 'list-tables'], ['--timeout=0', 'list-dbs'], ['--timeout=x', 'list-dbs'],
      ['--bogus', 'list-dbs'], ['-x'], ['--format'], ['--no-headings=1', 'list-dbs'], ['list-dbs', 'foo:bar'],
    ];
    for (const args of cases) {
      const r = await same(...args);
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
    }
    // Upstream prints an empty table for an unknown table here; so do we.
    assert.equal((await same('list-columns', 'OVN_Northbound', 'Nope')).stdout, 'Column Type\n------ ----\n');
  });

  it('runs as `ovn-ts ovsdb-client` and monitors like upstream until a signal', async () => {
    const version = spawnSync(process.execPath, [main, 'ovsdb-client', 'list-dbs'], { env, encoding: 'utf8' });
    assert.deepEqual({ code: version.status, stdout: version.stdout, stderr: version.stderr }, theirs('list-dbs'));
    const help = spawnSync(process.execPath, [main, 'ovsdb-client', '--help'], { env, encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: ovn-ts ovsdb-client/);
    const monitors = [
      ['monitor', 'OVN_Northbound', 'Logical_Switch'],
      ['--format=csv', 'monitor', 'OVN_Northbound', 'Logical_Switch', 'name', '!initial,other_config'],
      ['monitor', 'OVN_Northbound', 'ALL'],
      ['monitor-cond', 'OVN_Northbound', '[["name","!=","zz"]]', 'Logical_Switch'],
      ['--format=json', 'monitor-cond', 'OVN_Northbound', '[["name","==","sw0"]]', 'Logical_Switch', 'name,other_config'],
      ['monitor-cond-since', 'OVN_Northbound', '[]', 'Logical_Switch', 'name'],
      ['monitor-cond-since', 'OVN_Northbound', '00000000-0000-0000-0000-000000000000', '[["name","!=","x"]]', 'Logical_Switch'],
    ];
    const started = monitors.map((args) => {
      const collect = (p: ChildProcess): { out: string[]; err: string[]; done: Promise<string | null> } => {
        const out: string[] = [];
        const err: string[] = [];
        p.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
        p.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
        return { out, err, done: new Promise((resolve) => p.on('close', (_code, signal) => resolve(signal))) };
      };
      const a = spawn(process.execPath, [main, 'ovsdb-client', ...args], { env });
      const b = spawn('ovsdb-client', args, { env });
      return { args, a, b, oa: collect(a), ob: collect(b) };
    });
    const untilAllStarted = async (): Promise<void> => {
      for (let i = 0; i < 300 && started.some((s) => s.oa.out.length === 0 || s.ob.out.length === 0); i++) await sleep(50);
    };
    await untilAllStarted();
    await sleep(300);
    upstreamTransact('["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"m1","other_config":["map",[["q","r"]]]}},' +
      '{"op":"update","table":"Logical_Switch","where":[["name","==","sw0"]],"row":{"other_config":["map",[["a","c"]]]}},{"op":"delete","table":"Logical_Switch","where":[["name","==","sw1"]]}]');
    await sleep(400);
    upstreamTransact('["OVN_Northbound",{"op":"update","table":"Logical_Switch","where":[["name","==","m1"]],"row":{"name":"sw1"}},{"op":"mutate","table":"NB_Global","where":[],"mutations":[["nb_cfg","+=",1]]}]');
    // Give every monitor time to print both updates (generously: the machine may be busy).
    for (let i = 0; i < 100 && started.some((s) => s.oa.out.join('') !== s.ob.out.join('')); i++) await sleep(50);
    await sleep(300);
    for (const s of started) {
      s.a.kill('SIGTERM');
      s.b.kill('SIGTERM');
    }
    for (const s of started) {
      const [sa, sb] = await Promise.all([s.oa.done, s.ob.done]);
      assert.equal(sa, sb, s.args.join(' '));
      assert.equal(sa, 'SIGTERM');
      assert.equal(s.oa.out.join(''), s.ob.out.join(''), s.args.join(' '));
      const strip = (e: string[]): string => e.join('').replace(/^[^|]*\|/gm, '');
      assert.equal(strip(s.oa.err), strip(s.ob.err), s.args.join(' '));
    }
    assert.match(started[0]!.oa.out.join(''), /insert/);
  });

  it('locks, waits for and steals locks like upstream', async () => {
    /** Polls until `done()` holds; the bound is generous because CI machines are busy. */
    const waitFor = async (what: string, done: () => boolean): Promise<void> => {
      const pollsMax = 400;
      for (let i = 0; i < pollsMax && !done(); i++) await sleep(25);
      assert.ok(done(), `timed out waiting for ${what}`);
    };
    /** Starts `ovsdb-client lock|steal LOCK` (ours or upstream's), collecting what it prints. */
    const client = (ourClient: boolean, args: string[]): { p: ChildProcess; text: () => string; closed: Promise<unknown> } => {
      const p = ourClient ? spawn(process.execPath, [main, 'ovsdb-client', ...args], { env }) : spawn('ovsdb-client', args, { env });
      const out: string[] = [];
      p.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      return { p, text: () => out.join(''), closed: new Promise((resolve) => p.on('close', resolve)) };
    };
    const stop = async (c: { p: ChildProcess; closed: Promise<unknown> }): Promise<void> => {
      c.p.kill('SIGTERM');
      await c.closed;
    };
    // Someone else holds the lock; the observed client waits, then gets it when the holder goes away.
    const waiting = async (ourClient: boolean, lock: string): Promise<string> => {
      const holder = client(false, ['lock', lock]);
      await waitFor('the holder to get the lock', () => holder.text().includes('"locked":true'));
      const observed = client(ourClient, ['lock', lock]);
      await waitFor('the observed client to be told it waits', () => observed.text().includes('"locked":false'));
      await stop(holder);
      await waitFor('the lock to pass to the observed client', () => observed.text().endsWith(`\nlocked\n["${lock}"]\n`));
      await stop(observed);
      return observed.text();
    };
    // The observed client holds the lock; a thief steals it, then goes away.
    const robbed = async (ourClient: boolean, lock: string): Promise<string> => {
      const observed = client(ourClient, ['lock', lock]);
      await waitFor('the observed client to get the lock', () => observed.text().includes('"locked":true'));
      const thief = client(false, ['steal', lock]);
      await waitFor('the theft to be reported', () => observed.text().includes('stolen\n'));
      await stop(thief);
      await waitFor('the lock to come back', () => observed.text().endsWith(`stolen\n["${lock}"]\nlocked\n["${lock}"]\n`));
      await stop(observed);
      return observed.text();
    };
    assert.equal(await waiting(true, 'L1'), await waiting(false, 'L1'));
    assert.equal(await waiting(true, 'L1'), '{"locked":false}\nlocked\n["L1"]\n');
    assert.equal(await robbed(true, 'L2'), await robbed(false, 'L2'));
    assert.equal(await robbed(true, 'L2'), '{"locked":true}\nstolen\n["L2"]\nlocked\n["L2"]\n');
  });

  it('writes database files that our ovsdb-tool reads as upstream ovsdb-tool does (server-written records)', async () => {
    const select = '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["_uuid","name","other_config","ports"]},' +
      '{"op":"select","table":"NB_Global","where":[],"columns":["nb_cfg","options"]}]';
    const nb = path.join(dir, 'nb.db');
    const a = tool('query', 'nb.db', select);
    const b = spawnSync('ovsdb-tool', ['query', nb, select], { env, encoding: 'utf8' });
    // Same rows; upstream's order of several rows is not deterministic from one run to the next.
    const rowsOf = (text: string): string[] => (JSON.parse(text) as Array<{ rows: unknown[] }>).flatMap((op) => op.rows.map((r) => JSON.stringify(r))).sort();
    assert.deepEqual(rowsOf(a.stdout), rowsOf(b.stdout));
    assert.equal(rowsOf(a.stdout).length, 3);
    assert.equal(a.code, b.status);
    const la = tool('-mm', 'show-log', 'nb.db');
    const lb = spawnSync('ovsdb-tool', ['-mm', 'show-log', nb], { env, encoding: 'utf8' });
    assert.equal(la.stdout, lb.stdout);
    assert.match(la.stdout, /diff:/);
  });

  it('refuses, like upstream ovsdb-tool, to write a database file the server has locked', () => {
    const strip = (text: string): string => text.replace(/^[^|]*\|/gm, '');
    for (const args of [['transact', 'nb.db', '["OVN_Northbound"]'], ['compact', 'nb.db'], ['create', 'nb.db', nbSchema]]) {
      const a = tool(...args);
      const b = spawnSync('ovsdb-tool', args.map((x) => (x.endsWith('.db') ? path.join(dir, x) : x)), { env, encoding: 'utf8' });
      assert.equal(a.code, 1);
      assert.equal(strip(a.stderr).split(`${dir}/`).join(''), strip(b.stderr).split(`${dir}/`).join(''), args.join(' '));
    }
  });

  it('waits for a database state as upstream does (reconnect log lines included)', async () => {
    const strip = (text: string): string => text.replace(/^[^|]*\|/gm, '');
    for (const args of [['wait', 'OVN_Northbound', 'connected'], ['wait', `unix:${dir}/db.sock`, 'Types', 'added'], ['wait', 'OVN_Northbound', 'bogus']]) {
      const a = spawnSync(process.execPath, [main, 'ovsdb-client', ...args], { env, encoding: 'utf8' });
      const b = theirs(...args);
      assert.deepEqual({ code: a.status, stdout: a.stdout, stderr: strip(a.stderr) }, { ...b, stderr: strip(b.stderr) }, args.join(' '));
    }
    // "removed" for a database the server has blocks until it goes away: stopped by --timeout here.
    const r = spawnSync(process.execPath, [main, 'ovsdb-client', '--timeout=1', 'wait', 'Types', 'removed'], { env, encoding: 'utf8' });
    assert.equal(r.signal, 'SIGALRM');
    assert.match(r.stderr, /\|fatal_signal\|WARN\|terminating with signal 14 \(Alarm clock\)\n$/);
  });

  it('prints --timestamp lines above monitor tables', async () => {
    const p = spawn(process.execPath, [main, 'ovsdb-client', '--timestamp', 'monitor', 'OVN_Northbound', 'NB_Global', 'name'], { env });
    const out: string[] = [];
    p.stdout.on('data', (d: Buffer) => out.push(d.toString()));
    for (let i = 0; i < 200 && out.length === 0; i++) await sleep(25);
    p.kill('SIGTERM');
    await new Promise((resolve) => p.on('close', resolve));
    assert.match(out.join(''), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\nrow +action +name\n-+ -+ -+\n[0-9a-f-]{36} initial +g\n$/);
  });

  it('restores a backup like upstream, and refuses a backup of another schema unless --force', async () => {
    const backup = spawnSync('ovsdb-client', ['backup', 'Types'], { env }).stdout;
    const dumpNames = async (): Promise<string> => (await same('dump', 'Types', 'Every', 's', 'i', 'r', 'reals', 'm', 'flags')).stdout;
    const before = await dumpNames();
    assert.equal(theirs('transact', '["Types",{"op":"delete","table":"Every","where":[["i","==",-42]]}]').code, 0);
    assert.notEqual(await dumpNames(), before);
    // Upstream needs a seekable standard input (a file, as in "< SNAPSHOT"), so both read from a file.
    const restore = (args: readonly string[], input: Buffer, program: 'ours' | 'theirs' = 'ours'): Run => {
      const file = path.join(dir, 'stdin.bak');
      fs.writeFileSync(file, input);
      const fd = fs.openSync(file, 'r');
      try {
        const r = program === 'ours'
          ? spawnSync(process.execPath, [main, 'ovsdb-client', ...args], { env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' })
          : spawnSync('ovsdb-client', args, { env, stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8' });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      } finally {
        fs.closeSync(fd);
      }
    };
    assert.deepEqual(restore(['restore', 'Types'], backup), { code: 0, stdout: '', stderr: '' });
    assert.equal(await dumpNames(), before);
    // References were restored too: the strong and weak references still lead to the children.
    const refs = await ours('query', '["Types",{"op":"select","table":"Every","where":[["i","==",-42]],"columns":["strong","weak"]}]');
    assert.match(refs.stdout, /"strong":\["set",\[\["uuid",/);
    for (const [args, input] of [[['restore', 'OVN_Northbound'], backup], [['restore', 'Types'], Buffer.alloc(0)], [['restore', 'Types'], Buffer.from('garbage\n')]] as const) {
      const a = restore(args, input);
      assert.deepEqual(a, restore(args, input, 'theirs'), args.join(' '));
      assert.equal(a.code, 1);
    }
  });

  it('checks whether a database needs conversion and converts it through the server (runs last: changes Types)', async () => {
    const newer = JSON.parse(JSON.stringify(typesSchema)) as typeof typesSchema & { tables: { Child: { columns: Record<string, unknown> } } };
    newer.version = '1.3.0';
    newer.tables.Child.columns.extra = { type: { key: 'string', min: 0, max: 1 } };
    const file = path.join(dir, 'types-1.3.0.ovsschema');
    fs.writeFileSync(file, JSON.stringify(newer));
    assert.equal((await same('needs-conversion', file)).stdout, 'yes\n');
    assert.equal((await same('needs-conversion', path.join(dir, 'types.ovsschema'))).stdout, 'no\n');
    await same('convert', path.join(dir, 'nonexistent.ovsschema'));
    const converted = await ours('convert', file);
    assert.deepEqual(converted, { code: 0, stdout: '', stderr: '' });
    assert.equal((await same('get-schema-version', 'Types')).stdout, '1.3.0\n');
    assert.equal((await same('needs-conversion', file)).stdout, 'no\n');
    await same('dump', 'Types');
  });
});
