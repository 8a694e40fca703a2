// Differential interop test: the same scripted sequence of real upstream clients (ovn-nbctl, ovn-sbctl,
// ovs-vsctl, ovsdb-client, ovs-appctl) against upstream `ovsdb-server` and against `ovn-ts ovsdb-server`
// must give the same outputs, errors and exit codes (see server-harness.test.ts for the normalization).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { envFor, mainJs, normalize, schemas, startServer, stopServer, type Server } from './server-harness.test';

type Step = readonly string[];

/** The scripted client session: {SOCK} is the server's socket. */
const script: readonly Step[] = [
  ['ovsdb-client', 'list-dbs', 'unix:{SOCK}'],
  ['ovsdb-client', 'get-schema-version', 'unix:{SOCK}', 'OVN_Northbound'],
  ['ovsdb-client', 'list-tables', 'unix:{SOCK}', 'OVN_Southbound'],
  ['ovsdb-client', 'list-columns', 'unix:{SOCK}', 'OVN_Northbound', 'Logical_Switch'],
  ['ovsdb-client', 'get-schema', 'unix:{SOCK}', 'Nope'],
  ['ovsdb-client', 'get-schema-cksum', 'unix:{SOCK}', 'OVN_Southbound'],
  ['ovsdb-client', '--timeout=5', 'wait', 'unix:{SOCK}', 'OVN_Northbound', 'connected'],
  ['ovsdb-client', '--timeout=5', 'wait', 'unix:{SOCK}', '_Server', 'added'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'ls-add', 'sw0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'ls-add', 'sw0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'ls-add', 'sw1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-add', 'sw0', 'p1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-add', 'sw0', 'p2'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-add', 'nosuch', 'p3'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-set-addresses', 'p2', 'bogus'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-set-port-security', 'p1', '00:00:00:00:00:01 10.0.0.1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-get-addresses', 'p1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'acl-add', 'sw0', 'to-lport', '1000', 'ip4.src==10.0.0.2', 'drop'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'acl-add', 'sw0', 'sideways', '1000', 'ip4', 'drop'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'acl-list', 'sw0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'pg-add', 'pg1', 'p1', 'p2'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lr-add', 'lr0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lrp-add', 'lr0', 'lrp0', '00:00:00:00:ff:01', '10.0.0.254/24'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lr-route-add', 'lr0', '0.0.0.0/0', '10.0.0.1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lr-route-list', 'lr0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lr-nat-list', 'lr0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lb-add', 'lb0', '30.0.0.1:80', '10.0.0.1:8080,10.0.0.2:8080', 'tcp'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'ls-lb-add', 'sw0', 'lb0'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lb-list'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'dhcp-options-create', '10.0.0.0/24'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'dhcp-options-list'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'show'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'list', 'Logical_Switch_Port', 'p1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', '--columns=name,addresses', 'find', 'Logical_Switch_Port', 'name=p2'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'set', 'Logical_Switch', 'sw1', 'other_config:subnet=10.1.0.0/24', 'external_ids:k=v'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'get', 'Logical_Switch', 'sw1', 'other_config'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'remove', 'Logical_Switch', 'sw1', 'external_ids', 'k'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'list', 'Logical_Switch', 'sw1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'destroy', 'Logical_Switch', 'sw1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'list', 'Logical_Switch', 'sw1'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-del', 'p2'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'get', 'Port_Group', 'pg1', 'ports'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'frobnicate'],
  ['ovn-nbctl', '--db=unix:{SOCK}', 'lsp-del', 'nosuch'],
  ['ovn-sbctl', '--db=unix:{SOCK}', 'chassis-add', 'ch1', 'geneve', '192.168.0.1'],
  ['ovn-sbctl', '--db=unix:{SOCK}', 'chassis-add', 'ch1', 'geneve', '192.168.0.1'],
  ['ovn-sbctl', '--db=unix:{SOCK}', 'show'],
  ['ovn-sbctl', '--db=unix:{SOCK}', '--columns=name,hostname', 'list', 'Chassis'],
  ['ovn-sbctl', '--db=unix:{SOCK}', 'chassis-del', 'ch1'],
  ['ovn-sbctl', '--db=unix:{SOCK}', 'lflow-list'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'init'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'add-br', 'br0'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'add-port', 'br0', 'eth1'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'add-port', 'br0', 'eth1'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'set', 'Interface', 'eth1', 'type=internal', 'external_ids:iface-id=p1'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'get', 'Interface', 'eth1', 'external_ids:iface-id'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'list-ports', 'br0'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', '--columns=name,type,external_ids', 'list', 'Interface'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'del-port', 'br0', 'eth1'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'del-port', 'br0', 'eth1'],
  ['ovs-vsctl', '--db=unix:{SOCK}', '--no-wait', 'show'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"tx1"},"uuid-name":"n"},{"op":"select","table":"Logical_Switch","where":[["_uuid","==",["named-uuid","n"]]],"columns":["name"]}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":1}}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"frob"}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"wait","table":"Logical_Switch","where":[["name","==","tx1"]],"columns":["name"],"until":"!=","rows":[{"name":"tx1"}],"timeout":100}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["_Server",{"op":"select","table":"Database","where":[],"columns":["name","model","connected","leader"]}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["_Server",{"op":"delete","table":"Database","where":[]}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["Nope",{"op":"comment","comment":"x"}]'],
  ['ovsdb-client', 'dump', 'unix:{SOCK}', 'OVN_Northbound', 'Logical_Switch', 'Logical_Switch_Port', 'ACL', 'Port_Group', 'NAT'],
  ['ovsdb-client', 'dump', 'unix:{SOCK}', 'Open_vSwitch', 'Bridge', 'Port'],
  ['ovsdb-client', '--format=json', 'dump', 'unix:{SOCK}', 'OVN_Southbound', 'Chassis', 'Encap'],
  ['ovsdb-client', '--format=csv', 'dump', 'unix:{SOCK}', 'OVN_Northbound', 'Logical_Router', 'Logical_Router_Port'],
  ['ovsdb-client', 'query', 'unix:{SOCK}', '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[["name","==","sw0"]],"columns":["name","ports"]}]'],
  ['ovsdb-client', 'query', 'unix:{SOCK}', '["OVN_Northbound",{"op":"delete","table":"Logical_Switch","where":[]}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"assert","lock":"nolock"}]'],
  ['ovsdb-client', 'transact', 'unix:{SOCK}', '["OVN_Northbound",{"op":"insert","table":"Logical_Switch","row":{"name":"dur"}},{"op":"commit","durable":true},{"op":"comment","comment":"hi"}]'],
];

interface Outcome {
  readonly step: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(server: Server): Outcome[] {
  const env = envFor(server.dir);
  return script.map((step) => {
    const [cmd, ...args] = step.map((a) => a.replace('{SOCK}', server.sock));
    const r = spawnSync(cmd!, ['--timeout=10', ...args].filter((a) => cmd === 'ovsdb-client' ? a !== '--timeout=10' : true), { env, encoding: 'utf8', timeout: 15_000 });
    return { step: step.join(' '), status: r.status, stdout: normalize(r.stdout), stderr: normalize(r.stderr.replace(new RegExp(server.sock, 'g'), 'SOCK')) };
  });
}

/** Starts `ovsdb-client monitor`, waits for its initial output, makes one change, waits for the update. */
async function monitorTranscript(server: Server, format: string[]): Promise<string> {
  const env = envFor(server.dir);
  const child = spawn('ovsdb-client', [...format, 'monitor', `unix:${server.sock}`, 'OVN_Northbound', 'Logical_Switch', 'name', 'ports'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const waitFor = async (what: string) => {
    for (let i = 0; i < 400 && !out.includes(what); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(out.includes(what), `monitor output never showed ${what}: ${out}`);
  };
  await waitFor('sw0');
  spawnSync('ovn-nbctl', [`--db=unix:${server.sock}`, 'ls-add', `mon${format.length}`], { env });
  await waitFor(`mon${format.length}`);
  spawnSync('ovn-nbctl', [`--db=unix:${server.sock}`, 'ls-del', `mon${format.length}`], { env });
  await waitFor('delete');
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return normalize(out);
}

describe('ovn-ts ovsdb-server interop with upstream clients (differential against upstream ovsdb-server)', function () {
  this.timeout(120_000);
  let upstream: Server | null = null;
  let ours: Server | null = null;

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovsdb-client', 'ovn-nbctl', 'ovn-sbctl', 'ovs-vsctl', 'ovs-appctl');
    upstream = await startServer('upstream');
    ours = await startServer('ours');
  });

  after(async () => {
    if (upstream) await stopServer(upstream);
    if (ours) await stopServer(ours);
  });

  it('the scripted nbctl/sbctl/vsctl/ovsdb-client session gives the same outputs, errors and exit codes', () => {
    const expected = runScript(upstream!);
    const actual = runScript(ours!);
    for (let i = 0; i < expected.length; i++) {
      assert.deepEqual(actual[i], expected[i], `step ${i}: ${expected[i]!.step}`);
    }
    assert.ok(expected.some((o) => o.status !== 0), 'the script includes failing commands');
  });

  it('ovsdb-client monitor (table and json formats) shows the same initial rows and updates', async () => {
    for (const format of [[], ['--format=json']]) {
      assert.equal(await monitorTranscript(ours!, format), await monitorTranscript(upstream!, format), `format ${format.join(' ')}`);
    }
  });

  it('ovsdb-server/list-dbs, compact and bad compact arguments answer like upstream', () => {
    for (const args of [['ovsdb-server/list-dbs'], ['ovsdb-server/compact'], ['ovsdb-server/compact', 'OVN_Northbound'], ['ovsdb-server/compact', 'Nope'], ['ovsdb-server/compact', '_Server']]) {
      const run = (s: Server) => {
        const r = spawnSync('ovs-appctl', ['-t', s.ctl, ...args], { encoding: 'utf8' });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(s.ctl, 'CTL') };
      };
      assert.deepEqual(run(ours!), run(upstream!), args.join(' '));
    }
    // After compaction the file is upstream-readable and holds the same content.
    const dump = (s: Server) => normalize(spawnSync('ovsdb-client', ['dump', `unix:${s.sock}`, 'OVN_Northbound'], { encoding: 'utf8' }).stdout);
    assert.equal(dump(ours!), dump(upstream!));
    const shown = spawnSync('ovsdb-tool', ['show-log', path.join(ours!.dir, 'nb.db')], { encoding: 'utf8' });
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /compacting database online/);
  });

  it('ovsdb-server/add-remote, list-remotes and remove-remote answer like upstream and really listen', () => {
    const steps = (s: Server) => [
      ['ovsdb-server/list-remotes'],
      ['ovsdb-server/add-remote', `punix:${path.join(s.dir, 'db2.sock')}`],
      ['ovsdb-server/add-remote', `punix:${path.join(s.dir, 'db2.sock')}`],
      ['ovsdb-server/list-remotes'],
      ['ovsdb-server/remove-remote', `punix:${path.join(s.dir, 'nope.sock')}`],
    ];
    const run = (s: Server) => steps(s).map((args) => {
      const r = spawnSync('ovs-appctl', ['-t', s.ctl, ...args], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout.split(s.dir).join('DIR'), stderr: r.stderr.split(s.ctl).join('CTL') };
    });
    assert.deepEqual(run(ours!), run(upstream!));
    const viaSecond = spawnSync('ovsdb-client', ['list-dbs', `unix:${path.join(ours!.dir, 'db2.sock')}`], { encoding: 'utf8' });
    assert.equal(viaSecond.status, 0, viaSecond.stderr);
    assert.match(viaSecond.stdout, /OVN_Northbound/);
    for (const s of [ours!, upstream!]) {
      const r = spawnSync('ovs-appctl', ['-t', s.ctl, 'ovsdb-server/remove-remote', `punix:${path.join(s.dir, 'db2.sock')}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  });

  it('serves the files upstream ovsdb-server wrote (diff records included) with the same content', async () => {
    const reopened = await startServer('ours', upstream!.dir);
    try {
      for (const db of ['OVN_Northbound', 'OVN_Southbound', 'Open_vSwitch']) {
        const dump = (s: Server) => normalize(spawnSync('ovsdb-client', ['dump', `unix:${s.sock}`, db], { encoding: 'utf8' }).stdout);
        assert.equal(dump(reopened), dump(upstream!), db);
      }
    } finally {
      await stopServer(reopened);
    }
  });

  it('ovs-appctl exit stops our server, removing its pidfile', async () => {
    const r = spawnSync('ovs-appctl', ['-t', ours!.ctl, 'exit'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(await ours!.exited, 0);
    assert.ok(!fs.existsSync(path.join(ours!.dir, 'pid')));
    // Its database files reopen in upstream's server with the same content.
    const reopened = spawnSync('ovsdb-tool', ['query', path.join(ours!.dir, 'nb.db'), '["OVN_Northbound",{"op":"select","table":"Logical_Switch","where":[],"columns":["name"]}]'], { encoding: 'utf8' });
    assert.equal(reopened.status, 0, reopened.stderr);
    assert.match(reopened.stdout, /"sw0"/);
    assert.match(reopened.stdout, /"tx1"/);
  });
});

describe('ovn-ts ovsdb-server command line', () => {
  it('rejects bad flags with one line and exit code 2', () => {
    for (const args of [['--bogus'], ['--remote=tcp:1.2.3.4:5']]) {
      const r = spawnSync(process.execPath, [mainJs, 'ovsdb-server', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  it('puts bare --unixctl and --pidfile names in OVS_RUNDIR, accepts --no-chdir, and exits on ovs-appctl exit', async function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovs-appctl');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-rundir-'));
    let child: ChildProcess | null = null;
    try {
      const db = path.join(dir, 'nb.db');
      assert.equal(spawnSync('ovsdb-tool', ['create', db, schemas.nb]).status, 0);
      child = spawn(process.execPath, [mainJs, 'ovsdb-server', '--no-chdir', '--unixctl=my.ctl', '--pidfile=my.pid', db], { env: envFor(dir), stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
      const ctl = path.join(dir, 'my.ctl');
      for (let i = 0; i < 400 && !fs.existsSync(ctl); i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(fs.existsSync(ctl), `no control socket at ${ctl}: ${stderr}`);
      assert.equal(fs.readFileSync(path.join(dir, 'my.pid'), 'utf8').trim(), String(child.pid));
      const r = spawnSync('ovs-appctl', ['-t', ctl, 'exit'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(await exited, 0);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with one line and exit code 1 when a database cannot be opened', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-badb-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.db'), 'not a database\n');
      const r = spawnSync(process.execPath, [mainJs, 'ovsdb-server', `--unixctl=${path.join(dir, 'ctl')}`, path.join(dir, 'bad.db')], { encoding: 'utf8', env: envFor(dir) });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /bad\.db/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
