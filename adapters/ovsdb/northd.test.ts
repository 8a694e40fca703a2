// Stretch goal of the server work: upstream ovn-northd against our NB and SB produces what it produces
// against upstream servers, and two northds share their lock through our server.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { envFor, normalize, startServer, stopServer, type Server } from './server-harness.test';

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
