// Regenerates the logical flow corpus live from upstream ovn-northd (guarded by upstreamOrSkip): starts NB
// and SB ovsdb-servers in a temp dir with the installed schemas, builds a small NB (switches, routers, ACLs,
// NAT, load balancers, DHCP, port groups, address sets ...) with ovn-nbctl, runs ovn-northd, dumps the SB
// Logical_Flow, Address_Set and Port_Group tables, and checks every match and action with our code.
// Set LFLOW_WRITE_CORPUS=<file> to save the result (that is how testdata/northd-corpus.json was made).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { checkCorpus, type Corpus } from './corpus';

/** ovn-nbctl commands (each an argument list) that build the NB for the corpus. */
const topology: string[][] = [
  ['ls-add', 'sw0'],
  ['lsp-add', 'sw0', 'vm1'],
  ['lsp-set-addresses', 'vm1', '00:00:00:00:00:01 10.0.0.11 fd00::11'],
  ['lsp-set-port-security', 'vm1', '00:00:00:00:00:01 10.0.0.11 fd00::11'],
  ['lsp-add', 'sw0', 'vm2'],
  ['lsp-set-addresses', 'vm2', '00:00:00:00:00:02 10.0.0.12'],
  ['lsp-add', 'sw0', 'vm3'],
  ['lsp-set-addresses', 'vm3', 'unknown'],
  ['lsp-add', 'sw0', 'child1', 'vm2', '42'],
  ['lsp-set-addresses', 'child1', '00:00:00:00:00:21 10.0.0.21'],
  ['lsp-add', 'sw0', 'lp-meta'],
  ['lsp-set-type', 'lp-meta', 'localport'],
  ['lsp-set-addresses', 'lp-meta', '00:00:00:00:00:99 10.0.0.99'],
  ['lsp-add', 'sw0', 'vip1'],
  ['lsp-set-type', 'vip1', 'virtual'],
  ['lsp-set-addresses', 'vip1', '00:00:00:00:00:77 10.0.0.77'],
  ['lsp-set-options', 'vip1', 'virtual-ip=10.0.0.77', 'virtual-parents=vm1,vm2'],
  ['set', 'Logical_Switch', 'sw0', 'other_config:mcast_snoop=true', 'other_config:mcast_querier=true'],
  ['lr-add', 'lr0'],
  ['lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24', 'fd00::1/64'],
  ['set', 'Logical_Router_Port', 'lr0-sw0', 'ipv6_ra_configs:address_mode=slaac', 'ipv6_ra_configs:send_periodic=true'],
  ['lsp-add', 'sw0', 'sw0-lr0'],
  ['lsp-set-type', 'sw0-lr0', 'router'],
  ['lsp-set-addresses', 'sw0-lr0', 'router'],
  ['lsp-set-options', 'sw0-lr0', 'router-port=lr0-sw0'],
  ['lrp-add', 'lr0', 'lr0-pub', '00:00:00:00:ff:02', '172.16.0.1/24', '2001:db8::1/64'],
  ['lrp-set-gateway-chassis', 'lr0-pub', 'hv1'],
  ['set', 'Logical_Router_Port', 'lr0-pub', 'options:gateway_mtu=1400'],
  ['lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24'],
  ['lr-nat-add', 'lr0', 'dnat_and_snat', '172.16.0.100', '10.0.0.11'],
  ['lr-nat-add', 'lr0', 'dnat_and_snat', '172.16.0.101', '10.0.0.12', 'vm2', '00:00:00:00:01:02'],
  ['lb-add', 'lb0', '10.0.0.100:80', '10.0.0.11:8080,10.0.0.12:8080', 'tcp'],
  ['lb-add', 'lb1', '10.0.0.101', '10.0.0.11,10.0.0.12'],
  ['lb-add', 'lb6', '[fd00::100]:80', '[fd00::11]:8080', 'tcp'],
  ['lb-add', 'lbu', '10.0.0.102:53', '10.0.0.11:53', 'udp'],
  ['lb-add', 'lbempty', '10.0.0.103:80', '', 'tcp'],
  ['set', 'Load_Balancer', 'lb1', 'selection_fields=ip_src,ip_dst'],
  ['set', 'Load_Balancer', 'lbu', 'options:affinity_timeout=60'],
  ['set', 'Load_Balancer', 'lbempty', 'options:event=true'],
  ['ls-lb-add', 'sw0', 'lb0'],
  ['ls-lb-add', 'sw0', 'lb1'],
  ['ls-lb-add', 'sw0', 'lb6'],
  ['ls-lb-add', 'sw0', 'lbu'],
  ['ls-lb-add', 'sw0', 'lbempty'],
  ['lr-lb-add', 'lr0', 'lb0'],
  ['lr-lb-add', 'lr0', 'lbu'],
  ['pg-add', 'pg1', 'vm1', 'vm2'],
  ['create', 'Address_Set', 'name=as1', 'addresses="10.0.0.11","10.0.0.12","10.1.0.0/16"'],
  ['acl-add', 'pg1', 'from-lport', '1002', 'inport == @pg1 && ip4 && ip4.dst == $as1 && tcp.dst == 22', 'allow-related'],
  ['acl-add', 'pg1', 'to-lport', '1002', 'outport == @pg1 && ip4.src == $pg1_ip4 && icmp4', 'allow'],
  ['acl-add', 'sw0', 'to-lport', '1001', 'outport == "vm1" && icmp4.type == 8', 'drop'],
  ['acl-add', 'sw0', 'from-lport', '1003', 'ip6 && udp.dst == 53', 'allow-stateless'],
  ['acl-add', 'sw0', 'from-lport', '1004', '1000 <= tcp.dst <= 2000 && !(ip4.src == 10.0.0.0/8)', 'allow'],
  ['--log', '--severity=info', '--name=acl3', 'acl-add', 'sw0', 'from-lport', '1000', 'ip4.src == 10.0.0.0/8 && udp.dst == {53, 123}', 'reject'],
  ['--label=1234', 'acl-add', 'sw0', 'from-lport', '1005', 'tcp.flags == 0x002', 'allow-related'],
  ['qos-add', 'sw0', 'from-lport', '100', 'ip4 && udp', 'dscp=12', 'rate=1000', 'burst=100'],
  ['lr-route-add', 'lr0', '0.0.0.0/0', '172.16.0.254'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '192.168.0.0/16', '172.16.0.253'],
  ['--ecmp-symmetric-reply', 'lr-route-add', 'lr0', '192.168.0.0/16', '172.16.0.252'],
  ['lr-route-add', 'lr0', '::/0', '2001:db8::fe'],
  ['lr-policy-add', 'lr0', '100', 'ip4.src == 10.0.0.12', 'reroute', '172.16.0.250'],
  ['lr-policy-add', 'lr0', '90', 'ip4.dst == 8.8.8.8', 'drop'],
  ['ls-add', 'pub'],
  ['lsp-add', 'pub', 'pub-lr0'],
  ['lsp-set-type', 'pub-lr0', 'router'],
  ['lsp-set-addresses', 'pub-lr0', 'router'],
  ['lsp-set-options', 'pub-lr0', 'router-port=lr0-pub'],
  ['lsp-add', 'pub', 'ln'],
  ['lsp-set-type', 'ln', 'localnet'],
  ['lsp-set-addresses', 'ln', 'unknown'],
  ['lsp-set-options', 'ln', 'network_name=phys'],
  ['--', '--id=@d', 'create', 'DHCP_Options', 'cidr=10.0.0.0/24',
    'options:lease_time=3600', 'options:router=10.0.0.1', 'options:server_id=10.0.0.1',
    'options:server_mac=00:00:00:00:ff:01', 'options:dns_server={8.8.8.8,7.7.7.7}', 'options:mtu=1400',
    'options:classless_static_route={30.0.0.0/24,10.0.0.4,0.0.0.0/0,10.0.0.1}', 'options:domain_name="\\"ovn.org\\""',
    '--', 'set', 'Logical_Switch_Port', 'vm1', 'dhcpv4_options=@d'],
  ['--', '--id=@d', 'create', 'DHCP_Options', 'cidr="fd00::/64"', 'options:server_id=00:00:00:00:ff:01',
    'options:dns_server="{fd00::53}"', '--', 'set', 'Logical_Switch_Port', 'vm1', 'dhcpv6_options=@d'],
  ['--', '--id=@r', 'create', 'DNS', 'records:vm1.ovn.org=10.0.0.11', '--', 'add', 'Logical_Switch', 'sw0', 'dns_records', '@r'],
  ['lr-add', 'gw1'],
  ['set', 'Logical_Router', 'gw1', 'options:chassis=hv2', 'options:lb_force_snat_ip=router_ip', 'options:dnat_force_snat_ip=172.16.0.9'],
  ['lrp-add', 'gw1', 'gw1-pub', '00:00:00:00:ff:03', '172.16.0.2/24'],
  ['lsp-add', 'pub', 'pub-gw1'],
  ['lsp-set-type', 'pub-gw1', 'router'],
  ['lsp-set-addresses', 'pub-gw1', 'router'],
  ['lsp-set-options', 'pub-gw1', 'router-port=gw1-pub'],
  ['lr-lb-add', 'gw1', 'lb1'],
  ['lr-nat-add', 'gw1', 'dnat', '172.16.0.200', '10.0.0.13'],
];

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function listTable(sb: string, table: string, columns: string, env: NodeJS.ProcessEnv): unknown[][] {
  const out = run('ovn-sbctl', [`--db=${sb}`, '--format=json', '--data=json', `--columns=${columns}`, 'list', table], env);
  return (JSON.parse(out) as { data: unknown[][] }).data;
}

/** OVSDB JSON "set" of strings ["set", [...]] or a single atom. */
function stringSet(v: unknown): string[] {
  if (Array.isArray(v) && v[0] === 'set') return (v[1] as unknown[]).map(String);
  return [String(v)];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops the daemons this test started (by pid only) and waits, bounded, until they have exited. */
function stopAll(pids: number[]): void {
  const maxWaitMs = 5_000;
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGTERM');
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < maxWaitMs && pids.some(alive); waited += 50) Atomics.wait(sleeper, 0, 0, 50);
  const left = pids.filter(alive);
  if (left.length > 0) throw new Error(`daemons ${left.join(', ')} did not exit within ${maxWaitMs} ms`);
}

/** Upstream NB + SB ovsdb-servers and ovn-northd running in a temp dir, with the corpus topology loaded. */
export interface Sandbox {
  dir: string;
  nb: string;
  sb: string;
  env: NodeJS.ProcessEnv;
  /** Stops ovn-northd only (so rows written to the SB by a test stay there). */
  stopNorthd(): void;
  stop(): void;
}

export function startSandbox(dir: string): Sandbox {
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVN_RUNDIR: dir, OVS_LOGDIR: dir };
  const pids: number[] = [];
  const stop = () => stopAll(pids);
  try {
    for (const [db, schema] of [['nb', 'ovn-nb'], ['sb', 'ovn-sb']] as const) {
      run('ovsdb-tool', ['create', path.join(dir, `${db}.db`), `/usr/share/ovn/${schema}.ovsschema`], env);
      run('ovsdb-server', ['--detach', '--no-chdir', `--pidfile=${dir}/${db}.pid`, `--log-file=${dir}/${db}.log`,
        `--remote=punix:${dir}/${db}.sock`, `--unixctl=${dir}/${db}.ctl`, path.join(dir, `${db}.db`)], env);
      pids.push(Number(fs.readFileSync(`${dir}/${db}.pid`, 'utf8')));
    }
    const nb = `unix:${dir}/nb.sock`;
    const sb = `unix:${dir}/sb.sock`;
    for (const cmd of topology) run('ovn-nbctl', [`--db=${nb}`, ...cmd], env);
    run('ovn-northd', ['--detach', '--no-chdir', `--pidfile=${dir}/northd.pid`, `--log-file=${dir}/northd.log`,
      `--unixctl=${dir}/northd.ctl`, `--ovnnb-db=${nb}`, `--ovnsb-db=${sb}`], env);
    pids.push(Number(fs.readFileSync(`${dir}/northd.pid`, 'utf8')));
    run('ovn-nbctl', [`--db=${nb}`, '--timeout=30', '--wait=sb', 'sync'], env);
    const northd = pids[pids.length - 1]!;
    const stopNorthd = () => stopAll([northd]);
    return { dir, nb, sb, env, stop, stopNorthd };
  } catch (e) {
    stop();
    throw e;
  }
}

export function dumpCorpus(box: Sandbox): Corpus {
  const { sb, env } = box;
  const flows = new Map<string, { match: string; actions: string }>();
  for (const [match, actions] of listTable(sb, 'Logical_Flow', 'match,actions', env) as [string, string][]) {
    flows.set(`${match}\u0000${actions}`, { match, actions });
  }
  const addressSets: Record<string, string[]> = {};
  for (const [name, addrs] of listTable(sb, 'Address_Set', 'name,addresses', env)) addressSets[String(name)] = stringSet(addrs).sort();
  const portGroups: Record<string, string[]> = {};
  for (const [name, ports] of listTable(sb, 'Port_Group', 'name,ports', env)) portGroups[String(name)] = stringSet(ports).sort();
  // ovn-controller adds svc_monitor_mac (SB_Global options) as an address set of its own.
  const opts = listTable(sb, 'SB_Global', 'options', env)[0]?.[0];
  const svcMac = Array.isArray(opts) ? (opts[1] as [string, string][]).find(([k]) => k === 'svc_monitor_mac')?.[1] : undefined;
  if (svcMac) addressSets['svc_monitor_mac'] = [svcMac];
  const version = run('ovn-northd', ['--version'], env).split('\n')[0]!.trim();
  const sorted = [...flows.keys()].sort().map((k) => flows.get(k)!);
  return { generatedBy: version, addressSets, portGroups, flows: sorted };
}

export function generateCorpus(dir: string): Corpus {
  const box = startSandbox(dir);
  try {
    return dumpCorpus(box);
  } finally {
    box.stop();
  }
}

export function runUpstream(cmd: string, args: string[], env: NodeJS.ProcessEnv): string {
  return run(cmd, args, env);
}

describe('lflow corpus regenerated live from upstream ovn-northd', function () {
  this.timeout(120_000);
  let dir = '';
  before(function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovn-nbctl', 'ovn-sbctl', 'ovn-northd');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lflow-corpus-'));
  });
  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every match parses and type-checks and every action parses and checks', function () {
    const corpus = generateCorpus(dir);
    const report = checkCorpus(corpus);
    console.log(`      live corpus (${corpus.generatedBy}): ${report.flows} flows, ${report.matches} distinct matches, ${report.actions} distinct actions`);
    assert.deepEqual(report.failures, []);
    assert.ok(report.flows > 300, `only ${report.flows} flows`);
    const out = process.env.LFLOW_WRITE_CORPUS;
    if (out) fs.writeFileSync(out, JSON.stringify(corpus, null, 1) + '\n');
  });
});
