// `ovn-ts ovsdb-tool` against upstream's ovsdb-tool (the oracle): same command lines, same stdout, stderr
// and exit status; and database files that each side writes are read by the other (and by ovsdb-server).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { createNodeRandom } from '../node/node-random';
import { runTool } from './process-io';
import { runOvsdbTool } from './tool-commands';
import type { ToolIo } from './tool-io';

const main = path.join(__dirname, '..', 'cli', 'main.js');
const nbSchema = '/usr/share/ovn/ovn-nb.ovsschema';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('ovn-ts ovsdb-tool vs upstream ovsdb-tool', function () {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  /** Runs our tool in this process (a Node start costs ~0.4 s here); relative paths resolve in `dir`. */
  const ours = (...args: string[]): Run => {
    const out: string[] = [];
    const err: string[] = [];
    const io: ToolIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, nowMs: () => Date.now(), random: createNodeRandom() };
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const code = runTool('ovsdb-tool', io, () => runOvsdbTool(args, io));
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      process.chdir(cwd);
    }
  };
  const oursProcess = (...args: string[]): Run => {
    const r = spawnSync(process.execPath, [main, 'ovsdb-tool', ...args], { cwd: dir, env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const theirs = (...args: string[]): Run => {
    const r = spawnSync('ovsdb-tool', args, { cwd: dir, env, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^.*\|lockfile\|.*\n/gm, '') };
  };
  const same = (...args: string[]): Run => {
    const a = ours(...args);
    const b = theirs(...args);
    assert.deepEqual(a, b, `ovsdb-tool ${args.join(' ')}`);
    return a;
  };
  /** Like same(), for results holding UUIDs of rows the transaction itself creates (random on each side). */
  const sameButUuids = (...args: string[]): void => {
    const hide = (r: Run): Run => ({ ...r, stdout: r.stdout.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID') });
    assert.deepEqual(hide(ours(...args)), hide(theirs(...args)), `ovsdb-tool ${args.join(' ')}`);
  };

  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool');
    if (!fs.existsSync(nbSchema)) this.skip();
  });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-ovsdb-tool-'));
    env = { ...process.env, OVS_DBDIR: dir, OVS_RUNDIR: dir, OVS_PKGDATADIR: dir, OVS_LOGDIR: dir };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates byte-identical database files and reports schema facts identically', () => {
    assert.equal(ours('create', 'a.db', nbSchema).code, 0);
    assert.equal(theirs('create', 'b.db', nbSchema).code, 0);
    assert.ok(fs.readFileSync(path.join(dir, 'a.db')).equals(fs.readFileSync(path.join(dir, 'b.db'))));
    assert.equal(fs.statSync(path.join(dir, 'a.db')).mode & 0o777, 0o640);
    for (const cmd of ['db-name', 'db-version', 'db-cksum', 'show-log']) same(cmd, 'a.db');
    for (const cmd of ['schema-name', 'schema-version', 'schema-cksum']) same(cmd, nbSchema);
    same('db-is-standalone', 'a.db');
    same('db-is-clustered', 'a.db');
    same('needs-conversion', 'a.db', nbSchema);
    same('needs-conversion', 'a.db', '/usr/share/ovn/ovn-sb.ovsschema');
    for (const v of [['1.2.3', '<', '1.10.0'], ['1.2.3', '>', '1.10.0'], ['2.0.0', '==', '2.0.0'], ['1.2', '<', '1.0.0'], ['1.0.0', '~', '1.0.0']]) {
      same('compare-versions', ...v);
    }
  });

  it('runs as `ovn-ts ovsdb-tool` with upstream messages and exit statuses', () => {
    assert.equal(oursProcess('create', 'a.db', nbSchema).code, 0);
    for (const args of [['db-name', 'a.db'], ['frob'], ['--bogus'], ['db-is-clustered', 'a.db']]) {
      assert.deepEqual(oursProcess(...args), theirs(...args), args.join(' '));
    }
    const help = oursProcess('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: ovn-ts ovsdb-tool/);
    assert.match(help.stdout, /The default DB is .*\/conf\.db\./);
  });

  it('uses the same defaults ($OVS_DBDIR/conf.db, $OVS_PKGDATADIR/vswitch.ovsschema)', () => {
    same('db-name');
    same('schema-name');
    fs.copyFileSync(nbSchema, path.join(dir, 'vswitch.ovsschema'));
    assert.equal(ours('create').code, 0);
    same('db-name');
    same('schema-version');
  });

  it('rejects bad command lines and bad files with the same message and status', () => {
    fs.writeFileSync(path.join(dir, 'garbage.db'), 'garbage\n');
    fs.writeFileSync(path.join(dir, 'bad.ovsschema'), '{"name":"x"}');
    fs.writeFileSync(path.join(dir, 'bad2.ovsschema'), '{"name":"x","version":"1.0.0","tables":{"T":{"columns":{"a":{"type":"foo"}}}}}');
    fs.writeFileSync(path.join(dir, 'bad3.ovsschema'), '{"name": garbage}');
    fs.writeFileSync(path.join(dir, 'empty.db'), '');
    fs.writeFileSync(path.join(dir, 'foo.db'), 'OVSDB FOO 3 0123456789012345678901234567890123456789\n{}\n');
    assert.equal(ours('create', 'a.db', nbSchema).code, 0);
    const cases: string[][] = [
      [], ['frob'], ['db-name', 'a', 'b'], ['--bogus'], ['-x'], ['query'], ['db-name', 'nonexist.db'], ['db-name', 'garbage.db'],
      ['schema-name', 'garbage.db'], ['schema-name', 'nonexist'], ['create', 'n.db', 'bad.ovsschema'], ['create', 'n.db', 'bad2.ovsschema'],
      ['create', 'n.db', 'bad3.ovsschema'], ['query', 'a.db', '['], ['query', 'a.db', '"x"'], ['query', 'a.db', '{"a" 1}'],
      ['query', 'a.db', '{}'], ['query', 'a.db', '[]'], ['query', 'a.db', '["Nope"]'], ['query', 'a.db', '[1.]'],
      ['query', 'a.db', '["OVN_Northbound",{"op":"select","table":"X","where":[]}]'], ['compact', 'nonexist.db'],
      ['--rbac-role'], ['show-log', 'nonexist.db'], ['db-name', 'empty.db'], ['show-log', 'empty.db'], ['db-name', 'foo.db'], ['query', 'foo.db', '[]'],
    ];
    for (const args of cases) {
      const r = same(...args);
      assert.notEqual(args.length && r.code === 0 && r.stdout === '', true, `${args.join(' ')} should say something`);
    }
  });

  it('transacts: upstream reads what we write, and both print the same log and query results', () => {
    assert.equal(theirs('create', 'a.db', nbSchema).code, 0);
    const insert = '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"sw0","other_config":["map",[["a","b"]]]},"uuid-name":"s"},' +
      '{"op":"insert","table":"Logical_Switch_Port","row":{"name":"p1","addresses":["set",["00:00:00:00:00:01 10.0.0.1"]]},"uuid-name":"p"},' +
      '{"op":"mutate","table":"Logical_Switch","where":[["name","==","sw0"]],"mutations":[["ports","insert",["set",[["named-uuid","p"]]]]]},' +
      '{"op":"comment","comment":"hello"}]';
    const r = ours('transact', 'a.db', insert);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\[\{"uuid":\["uuid","[0-9a-f-]{36}"\]\},\{"uuid":\["uuid","[0-9a-f-]{36}"\]\},\{"count":1\},\{\}\]\n$/);
    const update = '["OVN_Northbound",{"op":"update","table":"Logical_Switch","where":[],"row":{"name":"sw1","other_config":["map",[["c","d"]]]}},' +
      '{"op":"mutate","table":"Logical_Switch_Port","where":[],"mutations":[["addresses","insert",["set",["unknown"]]]]}]';
    assert.equal(ours('transact', 'a.db', update).stdout, '[{"count":1},{"count":1}]\n');
    assert.equal(theirs('transact', 'a.db', '["OVN_Northbound",{"op":"insert","table":"Address_Set","row":{"name":"as1","addresses":["set",["1.1.1.1","2.2.2.2"]]}}]').code, 0);
    assert.equal(ours('transact', 'a.db', '["OVN_Northbound",{"op":"mutate","table":"Address_Set","where":[],"mutations":[["addresses","delete","1.1.1.1"]]}]').code, 0);
    for (const m of [[], ['-m'], ['-mm'], ['--more', '--more']]) same(...m, 'show-log', 'a.db');
    const select = '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["name","other_config","ports"]},' +
      '{"op":"select","table":"Logical_Switch_Port","where":[],"columns":["_uuid","name","addresses"]},{"op":"select","table":"Address_Set","where":[],"columns":["name","addresses"]}]';
    const q = same('query', 'a.db', select);
    assert.match(q.stdout, /"name":"sw1"/);
    assert.match(q.stdout, /"addresses":\["set",\["00:00:00:00:00:01 10.0.0.1","unknown"\]\]/);
    assert.match(q.stdout, /"addresses":"2.2.2.2"/);
    // A query that would write fails the same way as upstream's (read-only file).
    const failing = ours('query', 'a.db', '["OVN_Northbound",{"op":"insert","table":"NB_Global","row":{}}]');
    const upstream = theirs('query', 'a.db', '["OVN_Northbound",{"op":"insert","table":"NB_Global","row":{}}]');
    assert.equal(failing.stdout.replace(/"[0-9a-f-]{36}"/g, 'U'), upstream.stdout.replace(/"[0-9a-f-]{36}"/g, 'U'));
    // Commit-time errors and "wait" without triggers.
    sameButUuids('transact', 'a.db', '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"ports":["uuid","00000000-0000-0000-0000-000000000001"]}}]');
    same('query', 'a.db', '["OVN_Northbound",{"op":"select","table":"NB_Global","where":[]},{"op":"wait","table":"Logical_Switch","where":[],"columns":["name"],"until":"==","rows":[{"name":"x"}]},{"op":"select","table":"NB_Global","where":[]}]');
    same('query', 'a.db', '["OVN_Northbound",{"op":"wait","table":"Logical_Switch","where":[],"columns":["name"],"until":"==","rows":[{"name":"x"}],"timeout":0}]');
  });

  it('selects the same rows from many-row files (row order aside: upstream\'s is not even deterministic)', () => {
    assert.equal(theirs('create', 'a.db', nbSchema).code, 0);
    for (let batch = 0; batch < 4; batch++) {
      const ops = Array.from({ length: 15 }, (_, i) => `{"op":"insert","table":"Address_Set","row":{"name":"as${batch}-${i}"}}`);
      const writer = batch % 2 ? ours : theirs;
      assert.equal(writer('transact', 'a.db', `["OVN_Northbound",${ops.join(',')}]`).code, 0);
      assert.equal(writer('transact', 'a.db', `["OVN_Northbound",{"op":"delete","table":"Address_Set","where":[["name","==","as${batch}-3"]]}]`).code, 0);
    }
    const rowsOf = (r: Run): string[] => {
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout) as Array<{ rows: unknown[] }>;
      return result.flatMap((op) => op.rows.map((row) => JSON.stringify(row))).sort();
    };
    const select = '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[],"columns":["_uuid","name"]}]';
    assert.equal(rowsOf(ours('query', 'a.db', select)).length, 56);
    assert.deepEqual(rowsOf(ours('query', 'a.db', select)), rowsOf(theirs('query', 'a.db', select)));
    const some = '["OVN_Northbound",{"op":"select","table":"Address_Set","where":[["name","!=","as2-5"]],"columns":["name"]}]';
    assert.deepEqual(rowsOf(ours('query', 'a.db', some)), rowsOf(theirs('query', 'a.db', some)));
    assert.equal(theirs('compact', 'a.db').code, 0);
    assert.deepEqual(rowsOf(ours('query', 'a.db', select)), rowsOf(theirs('query', 'a.db', select)));
  });

  it('fails on torn and corrupt records with upstream\'s messages, after printing the good ones, never modifying the file', () => {
    assert.equal(theirs('create', 'good.db', nbSchema).code, 0);
    for (let i = 0; i < 3; i++) assert.equal(theirs('transact', 'good.db', `["OVN_Northbound",{"op":"insert","table":"Address_Set","row":{"name":"a${i}"}}]`).code, 0);
    const good = fs.readFileSync(path.join(dir, 'good.db'));
    const sha1 = (text: string): string => require('node:crypto').createHash('sha1').update(text).digest('hex') as string;
    const tails = [
      'OVSDB JSON 100 0123456789012345678901234567890123456789\n{"_date":1,',
      'OVSDB JSON 3 0123456789012345678901234567890123456789\n{}\n',
      `OVSDB JSON 3 ${sha1('[]\n')}\n[]\n`,
      `OVSDB JSON 3 ${sha1('{x\n')}\n{x\n`,
      'OVSDB JSON x\n',
      'OVSDB FOO 3 0123456789012345678901234567890123456789\n{}\n',
      'garbage',
    ];
    tails.forEach((tail, i) => {
      const file = path.join(dir, `bad${i}.db`);
      const bytes = Buffer.concat([good, Buffer.from(tail)]);
      fs.writeFileSync(file, bytes);
      for (const args of [['show-log'], ['-m', 'show-log'], ['query'], ['transact'], ['db-name'], ['db-version']]) {
        const full = args[0] === 'query' || args[0] === 'transact' ? [...args, `bad${i}.db`, '["OVN_Northbound"]'] : [...args, `bad${i}.db`];
        const r = same(...full);
        if (!args[0]!.startsWith('db-')) assert.equal(r.code, 1, full.join(' '));
      }
      assert.ok(fs.readFileSync(file).equals(bytes), 'file unchanged');
    });
  });

  it('compacts so that both tools read the same content back', () => {
    assert.equal(ours('create', 'a.db', nbSchema).code, 0);
    assert.equal(ours('transact', 'a.db', '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"sw0"}}]').code, 0);
    assert.equal(ours('transact', 'a.db', '["OVN_Northbound",{"op":"update","table":"Logical_Switch","where":[],"row":{"name":"sw2"}}]').code, 0);
    const select = '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["_uuid","name"]}]';
    const before = same('query', 'a.db', select).stdout;
    assert.equal(ours('compact', 'a.db', 'b.db').code, 0);
    assert.equal(ours('compact', 'a.db').code, 0);
    assert.equal(fs.statSync(path.join(dir, 'a.db')).mode & 0o777, 0o640);
    assert.equal(fs.statSync(path.join(dir, 'b.db')).mode & 0o777, 0o640);
    assert.equal(same('query', 'a.db', select).stdout, before);
    assert.equal(same('query', 'b.db', select).stdout, before);
    assert.equal(theirs('show-log', 'a.db').stdout.split('\n').filter((l) => l.startsWith('record')).length, 2);
    assert.equal(theirs('compact', 'a.db').code, 0);
    assert.equal(same('query', 'a.db', select).stdout, before);
  });
});
