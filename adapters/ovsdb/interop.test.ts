// Differential interop test: the same scripted sequence of real upstream clients (ovn-nbctl, ovn-sbctl,
// ovs-vsctl, ovsdb-client) against upstream `ovsdb-server` and against `ovn-ts ovsdb-server` (a child
// process) must give the same outputs, errors and exit codes. Database files come from upstream
// `ovsdb-tool create`; both servers serve NB, SB and Open_vSwitch at once.
//
// Normalization: UUIDs become <uuid> and lines are sorted per command, because clients print rows in hash
// order of their (random) UUIDs; timings in "timed out after N ms" become N.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';

const mainJs = path.join(__dirname, '..', 'cli', 'main.js');
const schemas = {
  nb: '/usr/share/ovn/ovn-nb.ovsschema',
  sb: '/usr/share/ovn/ovn-sb.ovsschema',
  vs: '/usr/share/openvswitch/vswitch.ovsschema',
};

interface Server {
  readonly dir: string;
  readonly sock: string;
  readonly ctl: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

function envFor(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVN_RUNDIR: dir, OVN_LOGDIR: dir };
}

/** Starts a server on fresh databases, or on copies of the database files in `copyFrom`. */
async function startServer(kind: 'upstream' | 'ours', copyFrom?: string): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ovn-ts-interop-${kind}-`));
  const env = envFor(dir);
  const dbs = (['nb', 'sb', 'vs'] as const).map((k) => {
    const file = path.join(dir, `${k}.db`);
    if (copyFrom) {
      fs.copyFileSync(path.join(copyFrom, `${k}.db`), file);
      return file;
    }
    const r = spawnSync('ovsdb-tool', ['create', file, schemas[k]], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return file;
  });
  const sock = path.join(dir, 'db.sock');
  const ctl = path.join(dir, 'ctl');
  const args = [`--remote=punix:${sock}`, `--unixctl=${ctl}`, `--pidfile=${path.join(dir, 'pid')}`, `--log-file=${path.join(dir, 'server.log')}`, ...dbs];
  const child = kind === 'upstream'
    ? spawn('ovsdb-server', ['--no-chdir', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, [mainJs, 'ovsdb-server', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (let i = 0; i < 400 && !(fs.existsSync(sock) && fs.existsSync(ctl)); i++) {
    if (child.exitCode !== null) throw new Error(`${kind} server exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(fs.existsSync(sock), `${kind} server did not create ${sock}: ${stderr}`);
  return { dir, sock, ctl, child, exited, stderr: () => stderr };
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode === null && s.child.pid !== undefined) s.child.kill('SIGTERM');
  await s.exited;
  fs.rmSync(s.dir, { recursive: true, force: true });
}

const uuidRe = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

function normalize(text: string): string {
  return text
    .replace(uuidRe, '<uuid>')
    .replace(/timed out after \d+ ms/g, 'timed out after N ms')
    .replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|/gm, 'TIME|')
    .split('\n')
    .map((l) => sortJsonRows(l.trimEnd()))
    .sort()
    .join('\n');
}

/** JSON output lists rows in hash order too: sort each line's "data" and "rows" arrays. */
function sortJsonRows(line: string): string {
  if (!line.startsWith('{') && !line.startsWith('[')) return line;
  try {
    const parsed = JSON.parse(line) as unknown;
    const sortIn = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(sortIn);
      if (typeof v !== 'object' || v === null) return;
      const o = v as Record<string, unknown>;
      for (const k of ['data', 'rows']) {
        const rows = o[k];
        if (Array.isArray(rows)) rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      }
      Object.values(o).forEach(sortIn);
    };
    sortIn(parsed);
    return JSON.stringify(parsed);
  } catch {
    return line;
  }
}

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

  it('a raw JSON-RPC session (monitors of every version, condition changes, errors, locks, cancel) gets the same messages in the same order', async () => {
    // Fresh servers: the transcript includes initial contents, whose row order is hash order.
    const [freshUpstream, freshOurs] = [await startServer('upstream'), await startServer('ours')];
    let expected: unknown[];
    let actual: unknown[];
    try {
      expected = await rawTranscript(freshUpstream);
      actual = await rawTranscript(freshOurs);
    } finally {
      await stopServer(freshUpstream);
      await stopServer(freshOurs);
    }
    assert.ok(expected.length > rawSteps.length, 'replies and update notifications');
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      assert.deepEqual(actual[i], expected[i], `message ${i}`);
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

/** A raw JSON-RPC session exercising the protocol corners clients rarely hit (ovsdb-server(7) methods). */
const rawSteps: ReadonlyArray<{ readonly msg: Record<string, unknown>; readonly noReply?: boolean }> = [
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v1', { Logical_Switch: {} }], id: 1 } },
  { msg: { method: 'monitor_cond', params: ['OVN_Northbound', 'v2', { Logical_Switch: [{ columns: ['name', 'other_config', 'ports', 'copp'], where: [['name', '!=', 'zz']] }] }], id: 2 } },
  { msg: { method: 'monitor_cond_since', params: ['OVN_Northbound', 'v3', { Logical_Switch: [{ columns: ['name', 'ports'] }] }, '00000000-0000-0000-0000-000000000000'], id: 3 } },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'insert', table: 'Logical_Switch', row: { name: 'a', other_config: ['map', [['k', 'v'], ['k2', 'v2']]] } }], id: 4 } },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'update', table: 'Logical_Switch', where: [['name', '==', 'a']], row: { other_config: ['map', [['k', 'v9'], ['k3', 'v3']]] } }], id: 5 } },
  { msg: { method: 'monitor_cond_change', params: ['v2', 'v2b', { Logical_Switch: [{ where: [['name', '==', 'zz']] }] }], id: 6 } },
  { msg: { method: 'monitor_cond_change', params: ['v1', 'v1', { Logical_Switch: [{ where: [] }] }], id: 7 } },
  { msg: { method: 'monitor_cond_change', params: ['nope', 'x', {}], id: 8 } },
  { msg: { method: 'monitor_cond_change', params: ['v2b', 'v2b', []], id: 9 } },
  { msg: { method: 'monitor_cond_change', params: ['v2b', 'v2b', { Logical_Switch: {} }], id: 10 } },
  { msg: { method: 'monitor_cancel', params: ['v1', 'x'], id: 11 } },
  { msg: { method: 'monitor_cancel', params: ['v1'], id: 12 } },
  { msg: { method: 'monitor_cancel', params: ['v1'], id: 13 } },
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v4', { Logical_Switch: [{ columns: ['name'], select: { initial: false, bogus: true } }] }], id: 14 } },
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v5', { Logical_Switch: [{ columns: ['name', 'name'] }] }], id: 15 } },
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v6', { Logical_Switch: [{ columns: 'name' }] }], id: 16 } },
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v7', []], id: 17 } },
  { msg: { method: 'monitor_cond', params: ['OVN_Northbound', 'v8', { Logical_Switch: [{ where: [['nosuch', '==', 1]] }] }], id: 18 } },
  { msg: { method: 'monitor', params: ['OVN_Northbound', 'v9', { Nope: {} }], id: 19 } },
  { msg: { method: 'set_db_change_aware', params: [true], id: 20 } },
  { msg: { method: 'set_db_change_aware', params: ['x'], id: 21 } },
  { msg: { method: 'lock', params: ['a', 'b'], id: 22 } },
  { msg: { method: 'steal', params: ['l1'], id: 23 } },
  { msg: { method: 'steal', params: ['l1'], id: 24 } },
  { msg: { method: 'unlock', params: ['l1'], id: 25 } },
  { msg: { method: 'unlock', params: ['l1'], id: 26 } },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'wait', table: 'Logical_Switch', where: [], columns: ['name'], until: '==', rows: [] }], id: 27 }, noReply: true },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'wait', table: 'Logical_Switch', where: [], columns: ['name'], until: '==', rows: [] }], id: 27 } },
  { msg: { method: 'cancel', params: [27], id: null }, noReply: true },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'wait', table: 'Logical_Switch', where: [], columns: ['name'], until: '==', rows: [], timeout: 0 }], id: 28 } },
  { msg: { method: 'transact', params: ['OVN_Northbound', { op: 'delete', table: 'Logical_Switch', where: [] }], id: 29 } },
  { msg: { method: 'transact', params: ['Nope'], id: 30 } },
  { msg: { method: 'transact', params: [], id: 31 } },
  { msg: { method: 'monitor_cond_since', params: ['OVN_Northbound', 'v10', { Logical_Switch: [{ columns: ['name'] }] }, 'bad'], id: 32 } },
  { msg: { method: 'monitor_cond_since', params: ['OVN_Northbound', 'v11', { Logical_Switch: [{ columns: ['name'] }] }], id: 33 } },
  { msg: { method: 'get_schema', params: ['OVN_Northbound', 'extra'], id: 34 } },
  { msg: { method: 'echo', params: [{ a: [1, 2.5, 'x'] }], id: 35 } },
  { msg: { method: 'bogus', params: [], id: 36 } },
];

/** Splits concatenated JSON texts (as they arrive on the socket). */
function splitJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if ((ch === '}' || ch === ']') && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)));
      start = i + 1;
    }
  }
  return out;
}

async function rawTranscript(server: Server): Promise<unknown[]> {
  const sock = net.connect(server.sock);
  let text = '';
  sock.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise((r) => sock.once('connect', r));
  for (const step of rawSteps) {
    sock.write(JSON.stringify(step.msg));
    const id = step.msg.id;
    for (let n = 0; n < 500; n++) {
      if (step.noReply) {
        await new Promise((r) => setTimeout(r, 30));
        break;
      }
      if (splitJson(text).some((m) => (m as { id?: unknown }).id === id && ('result' in (m as object) || 'error' in (m as object)))) {
        if (splitJson(text).filter((m) => (m as { id?: unknown }).id === id).length >= (id === 27 ? 2 : 1)) break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  await new Promise((r) => setTimeout(r, 50));
  sock.destroy();
  // Transaction ids differ by design: upstream keeps no history for standalone databases (all-zero ids,
  // found=false) while we keep a bounded one; both are valid per ovsdb-server(7).
  const messages = splitJson(text).map((m) => {
    const msg = m as { method?: string; params?: unknown[]; id?: unknown; result?: unknown };
    if (msg.method === 'update3' && Array.isArray(msg.params)) msg.params[1] = 'TXN';
    if (msg.id === 3 && Array.isArray(msg.result)) msg.result[1] = 'TXN';
    return msg;
  });
  const names = new Map<string, string>();
  const normalized = messages.map((m) => JSON.stringify(m)).join('').replace(uuidRe, (u) => {
    if (!names.has(u)) names.set(u, `U${names.size}`);
    return names.get(u)!;
  });
  return sortNotificationRuns(splitJson(normalized));
}

/**
 * Upstream sends one session's monitors their updates in hash order of the monitor ids; only the order of
 * replies and of updates relative to replies is meaningful, so runs of notifications are sorted.
 */
function sortNotificationRuns(messages: unknown[]): unknown[] {
  const out: unknown[] = [];
  let run: unknown[] = [];
  const flush = () => {
    out.push(...run.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)));
    run = [];
  };
  for (const m of messages) {
    if ((m as { method?: unknown }).method !== undefined) run.push(m);
    else {
      flush();
      out.push(m);
    }
  }
  flush();
  return out;
}

/** The NB topology northd compiles; mac_prefix and svc_monitor_mac are fixed (northd draws them at random). */
const northdSetup: readonly string[][] = [
  ['set', 'NB_Global', '.', 'options:mac_prefix=0a:00:00', 'options:svc_monitor_mac=0a:00:00:00:00:fe'],
  ['ls-add', 'sw0', '--', 'lsp-add', 'sw0', 'p1', '--', 'lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1',
    '--', 'lsp-add', 'sw0', 'p2', '--', 'lsp-set-addresses', 'p2', '00:00:00:00:00:02 10.0.0.2',
    '--', 'lsp-set-port-security', 'p2', '00:00:00:00:00:02 10.0.0.2'],
  ['lr-add', 'lr0', '--', 'lrp-add', 'lr0', 'lrp0', '00:00:00:00:ff:01', '10.0.0.254/24',
    '--', 'lsp-add', 'sw0', 'sw0-lr0', '--', 'lsp-set-type', 'sw0-lr0', 'router', '--', 'lsp-set-addresses', 'sw0-lr0', 'router',
    '--', 'lsp-set-options', 'sw0-lr0', 'router-port=lrp0'],
  ['acl-add', 'sw0', 'to-lport', '1000', 'ip4.src==10.0.0.2', 'drop'],
  ['pg-add', 'pg1', 'p1', 'p2', '--', 'acl-add', 'pg1', 'from-lport', '900', 'inport==@pg1 && ip4', 'allow-related'],
  ['lb-add', 'lb0', '30.0.0.1:80', '10.0.0.1:8080,10.0.0.2:8080', 'tcp', '--', 'ls-lb-add', 'sw0', 'lb0'],
  ['lr-route-add', 'lr0', '0.0.0.0/0', '10.0.0.1'],
];

async function northdTranscript(server: Server): Promise<{ lflows: string; bindings: string }> {
  const env = envFor(server.dir);
  const db = `unix:${server.sock}`;
  const northd = spawn('ovn-northd', [`--ovnnb-db=${db}`, `--ovnsb-db=${db}`, `--unixctl=${path.join(server.dir, 'northd.ctl')}`,
    `--log-file=${path.join(server.dir, 'northd.log')}`], { env, stdio: 'ignore' });
  const exited = new Promise((r) => northd.once('exit', r));
  try {
    for (const args of northdSetup) {
      const r = spawnSync('ovn-nbctl', [`--db=${db}`, ...args], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const sync = spawnSync('ovn-nbctl', [`--db=${db}`, '--timeout=20', '--wait=sb', 'sync'], { env, encoding: 'utf8' });
    assert.equal(sync.status, 0, `northd never caught up: ${sync.stderr}`);
    const lflows = spawnSync('ovn-sbctl', [`--db=${db}`, 'lflow-list'], { env, encoding: 'utf8' }).stdout;
    const bindings = spawnSync('ovn-sbctl', [`--db=${db}`, '--columns=logical_port,type,mac,options', 'list', 'Port_Binding'], { env, encoding: 'utf8' }).stdout;
    return { lflows: normalize(lflows), bindings: normalize(bindings) };
  } finally {
    northd.kill('SIGTERM');
    await exited;
  }
}

describe('upstream ovn-northd against ovn-ts ovsdb-server (NB and SB) vs against upstream ovsdb-server', function () {
  this.timeout(120_000);
  let upstream: Server | null = null;
  let ours: Server | null = null;

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovn-northd', 'ovn-nbctl', 'ovn-sbctl');
    upstream = await startServer('upstream');
    ours = await startServer('ours');
  });

  after(async () => {
    if (upstream) await stopServer(upstream);
    if (ours) await stopServer(ours);
  });

  it('two northds share the ovn_northd lock: one active, one standby, and the standby takes over', async () => {
    const statuses = async (server: Server): Promise<string[]> => {
      const env = envFor(server.dir);
      const db = `unix:${server.sock}`;
      const ctl = (i: number) => path.join(server.dir, `northd-lock${i}.ctl`);
      const status = (i: number) => spawnSync('ovn-appctl', ['-t', ctl(i), 'status'], { env, encoding: 'utf8' }).stdout.trim();
      const waitStatus = async (i: number, want: string) => {
        for (let n = 0; n < 200 && status(i) !== want; n++) await new Promise((r) => setTimeout(r, 20));
        return status(i);
      };
      const procs: ChildProcess[] = [];
      const exits: Promise<unknown>[] = [];
      const start = (i: number) => {
        const p = spawn('ovn-northd', [`--ovnnb-db=${db}`, `--ovnsb-db=${db}`, `--unixctl=${ctl(i)}`,
          `--log-file=${path.join(server.dir, `northd-lock${i}.log`)}`], { env, stdio: 'ignore' });
        procs.push(p);
        exits.push(new Promise((r) => p.once('exit', r)));
      };
      try {
        start(1);
        const seen = [await waitStatus(1, 'Status: active')];
        start(2);
        seen.push(await waitStatus(2, 'Status: standby'));
        procs[0]!.kill('SIGKILL');
        await exits[0];
        seen.push(await waitStatus(2, 'Status: active'));
        return seen;
      } finally {
        for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
        await Promise.all(exits);
      }
    };
    const expected = await statuses(upstream!);
    assert.deepEqual(expected, ['Status: active', 'Status: standby', 'Status: active']);
    assert.deepEqual(await statuses(ours!), expected);
  });

  it('produces the same Logical_Flow set and Port_Bindings', async () => {
    const expected = await northdTranscript(upstream!);
    const actual = await northdTranscript(ours!);
    assert.ok(expected.lflows.split('\n').length > 100, 'northd compiled the topology');
    assert.equal(actual.bindings, expected.bindings);
    assert.equal(actual.lflows, expected.lflows);
  });
});
