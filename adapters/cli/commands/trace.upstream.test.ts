// Differential test of `ovn-ts trace` against upstream ovn-trace on a Southbound database built by
// upstream ovn-northd (two switches, a gateway router with NAT, a load balancer, ACLs over port groups
// and address sets, DHCP). For every microflow: the --minimal output must be identical and the
// (datapath, pipeline, table, priority) hops of --detailed must be the same sequence.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../../test-support/upstream';
import { IdlClient } from '../../../core/ovsdb/idl';
import { ovnSymtab } from '../../../core/lflow/symtab';
import { buildTraceDb, runTrace, sbDataFromReplica, traceMonitorSelection, parseCtFlags, parseLbDst, type SbData, type TraceDb, type TraceFormat } from '../../../core/lflow-trace';
import { NodeClock, NodeTransport, createNodeRandom } from '../../node';

interface Case {
  dp: string;
  flow: string;
  opts: string[];
}

const vms = [
  { port: 'sw0-p1', sw: 'sw0', mac: '50:54:00:00:00:01', ip: '10.0.0.3' },
  { port: 'sw0-p2', sw: 'sw0', mac: '50:54:00:00:00:02', ip: '10.0.0.4' },
  { port: 'sw1-p1', sw: 'sw1', mac: '50:54:00:00:01:01', ip: '20.0.0.3' },
  { port: 'sw1-p2', sw: 'sw1', mac: '50:54:00:00:01:02', ip: '20.0.0.4' },
];
const routerMac: Record<string, string> = { sw0: '00:00:00:00:ff:01', sw1: '00:00:00:00:ff:02' };

export function cases(): Case[] {
  const out: Case[] = [];
  const l4 = ['tcp.dst == 22', 'tcp.dst == 80', 'udp.dst == 53', 'icmp4.type == 8'];
  for (const s of vms) {
    for (const d of vms) {
      if (s === d) continue;
      for (const p of l4) {
        const dmac = s.sw === d.sw ? d.mac : routerMac[s.sw]!;
        const flow = `inport == "${s.port}" && eth.src == ${s.mac} && eth.dst == ${dmac} && ip4.src == ${s.ip} && ip4.dst == ${d.ip} && ip.ttl == 64 && ${p}`;
        // Default conntrack state, new connections (ACLs and ct_commit), and replies/related/invalid.
        out.push({ dp: s.sw, flow, opts: [] });
        out.push({ dp: s.sw, flow, opts: ['--ct=new', '--ct=new', '--ct=new', '--ct=new'] });
        out.push({ dp: s.sw, flow, opts: ['--ct=est,rpl', '--ct=rel', '--ct=inv'] });
      }
    }
  }
  const p1 = vms[0]!;
  const b = (extra: string) => `inport == "${p1.port}" && eth.src == ${p1.mac} && ${extra}`;
  out.push(
    { dp: 'sw0', flow: b('eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == 50:54:00:00:00:01 && arp.spa == 10.0.0.3 && arp.tha == 00:00:00:00:00:00 && arp.tpa == 10.0.0.1'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == 50:54:00:00:00:01 && arp.spa == 10.0.0.3 && arp.tha == 00:00:00:00:00:00 && arp.tpa == 10.0.0.4'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == ff:ff:ff:ff:ff:ff && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.255 && ip.ttl == 64 && udp.dst == 999'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.3 && ip4.dst == 30.0.0.1 && ip.ttl == 64 && tcp.dst == 80'), opts: ['--lb-dst=20.0.0.4:8080'] },
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.3 && ip4.dst == 20.0.0.3 && ip.ttl == 1 && udp.dst == 53'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.1 && ip.ttl == 64 && icmp4.type == 8'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == ff:ff:ff:ff:ff:ff && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && ip.ttl == 64 && udp.src == 68 && udp.dst == 67'), opts: [] },
    { dp: 'sw0', flow: `inport == "sw0-p1" && eth.src == 50:54:00:00:00:99 && eth.dst == 50:54:00:00:00:02 && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.4 && ip.ttl == 64 && tcp.dst == 22`, opts: [] },
    { dp: 'sw0', flow: b('eth.dst == 50:54:00:00:00:02 && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.4 && ip.ttl == 64 && tcp.dst == 22'), opts: ['--ct=new', '--ct=new'] },
    { dp: 'sw1', flow: `inport == "sw1-p2" && eth.src == 50:54:00:00:01:02 && eth.dst == 50:54:00:00:01:01 && ip4.src == 20.0.0.4 && ip4.dst == 20.0.0.3 && ip.ttl == 64 && tcp.dst == 80`, opts: ['--ct=new'] },
    { dp: 'sw1', flow: `inport == "sw1-p2" && eth.src == 50:54:00:00:01:02 && eth.dst == 50:54:00:00:01:01 && ip4.src == 20.0.0.4 && ip4.dst == 20.0.0.3 && ip.ttl == 64 && udp.dst == 53`, opts: ['--ct=new', '--ct=new'] },
    { dp: 'sw0', flow: b('eth.dst == 50:54:00:00:00:02 && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.4 && ip.ttl == 64 && udp.dst == 53'), opts: ['--ct=est,rpl'] },
    { dp: 'sw1', flow: `inport == "sw1-p1" && eth.src == 50:54:00:00:01:01 && eth.dst == 00:00:00:00:ff:02 && ip4.src == 20.0.0.3 && ip4.dst == 172.16.0.100 && ip.ttl == 64 && tcp.dst == 22`, opts: [] },
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:00:77 && ip4.src == 10.0.0.3 && ip4.dst == 10.0.0.9 && ip.ttl == 64 && tcp.dst == 22'), opts: [] },
    // arp { } for an unresolved next hop, no route, and microflows setting registers, conntrack and IPv6 fields.
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.3 && ip4.dst == 20.0.0.9 && ip.ttl == 64 && tcp.dst == 80'), opts: [] },
    { dp: 'sw0', flow: b('eth.dst == 00:00:00:00:ff:01 && ip4.src == 10.0.0.3 && ip4.dst == 8.8.8.8 && ip.ttl == 64 && tcp.dst == 80'), opts: [] },
    { dp: 'sw0', flow: 'inport == "sw0-p1" && eth.type == 0x1234 && reg0 == 5 && ct_mark == 3 && ct_state == 0x22 && outport == "sw0-p2"', opts: [] },
    { dp: 'sw0', flow: 'inport == "sw0-p1" && ip6.src == fe80::1 && ip6.dst == fe80::2 && icmp6.type == 135 && nd.target == fe80::3 && nd.sll == 00:00:00:00:00:01 && ip.ttl == 255', opts: [] },
    { dp: 'sw0', flow: 'inport == "sw0-p1" && ip6 && udp.src == 546 && ip6.label == 5 && ip.frag == 1', opts: [] },
    { dp: 'sw1', flow: 'inport == "sw1-p2" && eth.src == 50:54:00:00:01:02 && eth.dst == 50:54:00:00:01:01 && ip4.src == 20.0.0.4 && ip4.dst == 20.0.0.3 && ip.ttl == 64 && tcp.dst == 80 && tcp.src == 1234', opts: ['--ct=new', '--ct=new'] },
    // The distributed gateway router: chassisredirect output, SNAT, IPv6 and nd_ns { }, ICMP echo to the router.
    { dp: 'sw2', flow: 'inport == "sw2-p1" && eth.src == 50:54:00:00:02:01 && eth.dst == 00:00:00:00:fe:01 && ip4.src == 40.0.0.3 && ip4.dst == 8.8.8.8 && ip.ttl == 64 && udp.dst == 53', opts: [] },
    { dp: 'sw2', flow: 'inport == "sw2-p1" && eth.src == 50:54:00:00:02:01 && eth.dst == 00:00:00:00:fe:01 && ip6.src == aef0::3 && ip6.dst == aef0::9 && ip.ttl == 64 && udp.dst == 53', opts: [] },
    { dp: 'sw2', flow: 'inport == "sw2-p1" && eth.src == 50:54:00:00:02:01 && eth.dst == 50:54:00:00:02:02 && ip6.src == aef0::3 && ip6.dst == aef0::4 && ip.ttl == 64 && icmp6.type == 128', opts: [] },
    { dp: 'sw2', flow: 'inport == "sw2-p1" && eth.src == 50:54:00:00:02:01 && eth.dst == 00:00:00:00:fe:01 && ip4.src == 40.0.0.3 && ip4.dst == 40.0.0.1 && ip.ttl == 64 && icmp4.type == 8', opts: [] },
    { dp: 'ext', flow: 'inport == "ext-ln" && eth.src == 50:54:00:00:09:09 && eth.dst == 00:00:00:00:fe:02 && ip4.src == 8.8.8.8 && ip4.dst == 172.20.0.1 && ip.ttl == 64 && udp.dst == 53', opts: [] },
    { dp: 'ext', flow: 'inport == "ext-ln" && eth.src == 50:54:00:00:09:09 && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == 50:54:00:00:09:09 && arp.spa == 172.20.0.254 && arp.tpa == 172.20.0.1', opts: [] },
    { dp: 'sw2', flow: 'inport == "sw2-p1" && eth.src == 50:54:00:00:02:01 && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == 50:54:00:00:02:01 && arp.spa == 40.0.0.3 && arp.tpa == 40.0.0.4', opts: [] },
  );
  return out;
}

/** (datapath, pipeline, table, priority) of every table line of a --detailed trace. */
export function detailedHops(text: string): string[] {
  const hops: string[] = [];
  let where = '?';
  for (const line of text.split('\n')) {
    const head = /^\s*(ingress|egress)\(dp="([^"]+)"/.exec(line);
    if (head) { where = `${head[2]}/${head[1]}`; continue; }
    const t = /^\s*(\d+)\. .*(?:priority (\d+), uuid [0-9a-f]+|no match \(implicit drop\))$/.exec(line);
    if (t) hops.push(`${where}/${t[1]}/${t[2] ?? 'none'}`);
  }
  return hops;
}

function body(text: string): string {
  return text.split('\n').filter((l) => !l.startsWith('#')).join('\n').trim();
}

function loadSb(remote: string, done: (data: SbData | Error) => void): void {
  let finished = false;
  const idl = new IdlClient({
    database: 'OVN_Southbound', remotes: [remote], transport: new NodeTransport(), clock: new NodeClock(),
    random: createNodeRandom('trace-test'), monitor: traceMonitorSelection, leaderOnly: false,
    callbacks: {
      synced: (i) => {
        if (finished) return;
        finished = true;
        idl.stop();
        done(sbDataFromReplica(i.replica!));
      },
    },
  });
}

describe('ovn-ts trace vs upstream ovn-trace', function () {
  this.timeout(120_000);
  let dir = '';
  let db: TraceDb;
  let data: SbData;
  const pidFiles: string[] = [];
  let remote = '';

  before(function (doneHook) {
    upstreamOrSkip(this, 'ovsdb-server', 'ovsdb-tool', 'ovn-northd', 'ovn-nbctl', 'ovn-trace');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-ts-trace-'));
    const env = { ...process.env, OVN_RUNDIR: dir, OVS_RUNDIR: dir, OVS_DBDIR: dir };
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    run('ovsdb-tool', ['create', 'nb.db', '/usr/share/ovn/ovn-nb.ovsschema']);
    run('ovsdb-tool', ['create', 'sb.db', '/usr/share/ovn/ovn-sb.ovsschema']);
    for (const n of ['nb', 'sb']) {
      run('ovsdb-server', ['--detach', `--pidfile=${dir}/${n}.pid`, `--unixctl=${dir}/${n}.ctl`, `--remote=punix:${dir}/${n}.sock`, `--log-file=${dir}/${n}.log`, `${n}.db`]);
      pidFiles.push(`${dir}/${n}.pid`);
    }
    run('ovn-northd', ['--detach', `--pidfile=${dir}/northd.pid`, `--unixctl=${dir}/northd.ctl`, `--ovnnb-db=unix:${dir}/nb.sock`, `--ovnsb-db=unix:${dir}/sb.sock`, `--log-file=${dir}/northd.log`]);
    pidFiles.push(`${dir}/northd.pid`);
    const nbctl = (...args: string[]) => run('ovn-nbctl', [`--db=unix:${dir}/nb.sock`, ...args]).trim();
    nbctl('ls-add', 'sw0', '--', 'ls-add', 'sw1', '--', 'lr-add', 'lr0');
    nbctl('lsp-add', 'sw0', 'sw0-p1', '--', 'lsp-set-addresses', 'sw0-p1', '50:54:00:00:00:01 10.0.0.3', '--', 'lsp-set-port-security', 'sw0-p1', '50:54:00:00:00:01 10.0.0.3');
    nbctl('lsp-add', 'sw0', 'sw0-p2', '--', 'lsp-set-addresses', 'sw0-p2', '50:54:00:00:00:02 10.0.0.4');
    nbctl('lsp-add', 'sw1', 'sw1-p1', '--', 'lsp-set-addresses', 'sw1-p1', '50:54:00:00:01:01 20.0.0.3');
    nbctl('lsp-add', 'sw1', 'sw1-p2', '--', 'lsp-set-addresses', 'sw1-p2', '50:54:00:00:01:02 20.0.0.4');
    nbctl('lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24');
    nbctl('lrp-add', 'lr0', 'lr0-sw1', '00:00:00:00:ff:02', '20.0.0.1/24');
    for (const s of ['sw0', 'sw1']) {
      nbctl('lsp-add', s, `${s}-lr0`, '--', 'lsp-set-type', `${s}-lr0`, 'router', '--', 'lsp-set-addresses', `${s}-lr0`, 'router', '--', 'lsp-set-options', `${s}-lr0`, `router-port=lr0-${s}`);
    }
    nbctl('pg-add', 'pg1', 'sw0-p1', 'sw1-p1');
    nbctl('create', 'Address_Set', 'name=as1', 'addresses="10.0.0.3","20.0.0.3"');
    nbctl('acl-add', 'pg1', 'to-lport', '1002', 'outport == @pg1 && ip4 && tcp.dst == 22', 'drop');
    nbctl('acl-add', 'pg1', 'to-lport', '1001', 'outport == @pg1 && ip4.src == $as1 && udp', 'allow-related');
    nbctl('acl-add', 'sw1', 'from-lport', '1000', 'inport == "sw1-p2" && ip4 && tcp.dst == 80', 'reject');
    nbctl('--log', '--name=udplog', '--severity=warning', 'acl-add', 'sw0', 'from-lport', '900', 'inport == "sw0-p2" && udp', 'allow-related');
    nbctl('--log', 'acl-add', 'sw1', 'to-lport', '950', 'outport == "sw1-p2" && icmp4', 'drop');
    nbctl('set', 'Logical_Router', 'lr0', 'options:chassis=hv1');
    nbctl('lb-add', 'lb0', '30.0.0.1:80', '20.0.0.4:8080', 'tcp');
    nbctl('ls-lb-add', 'sw0', 'lb0');
    nbctl('lr-lb-add', 'lr0', 'lb0');
    nbctl('lr-nat-add', 'lr0', 'dnat_and_snat', '172.16.0.100', '10.0.0.4');
    nbctl('lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24');
    const dhcp = nbctl('create', 'DHCP_Options', 'cidr=10.0.0.0/24', 'options="lease_time"="3600" "router"="10.0.0.1" "server_id"="10.0.0.1" "server_mac"="c0:ff:ee:00:00:01"');
    nbctl('lsp-set-dhcpv4-options', 'sw0-p1', dhcp);
    // A second router with a distributed gateway port (chassisredirect), IPv6 and a localnet uplink.
    nbctl('ls-add', 'sw2', '--', 'ls-add', 'ext', '--', 'lr-add', 'lr1');
    nbctl('lsp-add', 'sw2', 'sw2-p1', '--', 'lsp-set-addresses', 'sw2-p1', '50:54:00:00:02:01 40.0.0.3 aef0::3');
    nbctl('lsp-add', 'sw2', 'sw2-p2', '--', 'lsp-set-addresses', 'sw2-p2', '50:54:00:00:02:02 40.0.0.4 aef0::4');
    nbctl('lrp-add', 'lr1', 'lr1-sw2', '00:00:00:00:fe:01', '40.0.0.1/24', 'aef0::1/64');
    nbctl('lsp-add', 'sw2', 'sw2-lr1', '--', 'lsp-set-type', 'sw2-lr1', 'router', '--', 'lsp-set-addresses', 'sw2-lr1', 'router', '--', 'lsp-set-options', 'sw2-lr1', 'router-port=lr1-sw2');
    nbctl('lrp-add', 'lr1', 'lr1-ext', '00:00:00:00:fe:02', '172.20.0.1/24');
    nbctl('lsp-add', 'ext', 'ext-lr1', '--', 'lsp-set-type', 'ext-lr1', 'router', '--', 'lsp-set-addresses', 'ext-lr1', 'router', '--', 'lsp-set-options', 'ext-lr1', 'router-port=lr1-ext');
    nbctl('lsp-add', 'ext', 'ext-ln', '--', 'lsp-set-type', 'ext-ln', 'localnet', '--', 'lsp-set-addresses', 'ext-ln', 'unknown', '--', 'lsp-set-options', 'ext-ln', 'network_name=phys');
    nbctl('lrp-set-gateway-chassis', 'lr1-ext', 'hv1');
    nbctl('lr-route-add', 'lr1', '0.0.0.0/0', '172.20.0.254');
    nbctl('lr-nat-add', 'lr1', 'snat', '172.20.0.1', '40.0.0.0/24');
    nbctl('--wait=sb', 'sync');
    remote = `unix:${dir}/sb.sock`;
    loadSb(remote, (d) => {
      if (d instanceof Error) return doneHook(d);
      data = d;
      db = buildTraceDb(d, ovnSymtab(), true);
      doneHook();
    });
  });

  after(() => {
    for (const f of pidFiles) {
      try {
        process.kill(Number(fs.readFileSync(f, 'utf8').trim()), 'SIGTERM');
      } catch {
        // already gone
      }
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function ours(c: Case, format: TraceFormat): string {
    const ct = c.opts.filter((o) => o.startsWith('--ct=')).map((o) => parseCtFlags(o.slice(5)));
    const lb = c.opts.find((o) => o.startsWith('--lb-dst='));
    return runTrace(db, {
      datapath: c.dp, microflow: c.flow, formats: [format], ctStates: ct, lbDst: lb ? parseLbDst(lb.slice(9)) : null,
      addressSets: { ...data.addressSets }, portGroups: { ...data.portGroups },
    }).text;
  }
  function theirs(c: Case, format: TraceFormat): string {
    const r = spawnSync('ovn-trace', [`--db=${remote}`, `--${format}`, ...c.opts, c.dp, c.flow], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }

  it('agrees on --minimal output and --detailed hops for at least 50 microflows (and on the full text)', () => {
    const all = cases();
    assert.ok(all.length >= 50, `only ${all.length} cases`);
    const disagreements: string[] = [];
    const textDiffs: string[] = [];
    let agree = 0;
    let sameText = 0;
    // The features the cases are meant to cover, each seen in at least one upstream trace.
    const features = ['LOG: ACL', 'chassisredirect', '\narp\n', '\nnd_ns\n', '\nicmp4\n', 'multicast(dp=', 'put_dhcp_opts', 'ct_lb_mark', 'ct_snat(', 'get_arp', 'lookup_arp', 'tcp_reset', 'ct_next(ct_state=new|trk)'];
    const seen = new Set<string>();
    for (const c of all) {
      const texts = (['detailed', 'summary', 'minimal'] as const).map((f) => [ours(c, f), theirs(c, f)] as const);
      const [detailed, , minimal] = texts;
      const minOurs = body(minimal![0]);
      const minTheirs = body(minimal![1]);
      const hopsOurs = detailedHops(detailed![0]);
      const hopsTheirs = detailedHops(detailed![1]);
      assert.ok(hopsTheirs.length > 0, 'upstream detailed output has table lines');
      for (const f of features) if (texts.some(([, b]) => b.includes(f))) seen.add(f);
      if (texts.every(([a, b]) => a === b)) sameText++;
      else textDiffs.push(`${c.dp} '${c.flow}'`);
      if (minOurs === minTheirs && hopsOurs.join(' ') === hopsTheirs.join(' ')) agree++;
      else disagreements.push(`${c.opts.join(' ')} ${c.dp} '${c.flow}'\n  ours:   ${minOurs.replace(/\n\s*/g, ' ')}\n  theirs: ${minTheirs.replace(/\n\s*/g, ' ')}\n  hops ours:   ${hopsOurs.join(' ')}\n  hops theirs: ${hopsTheirs.join(' ')}`);
    }
    console.log(`      ovn-ts trace agrees with ovn-trace on ${agree}/${all.length} microflows (verdict and hops); identical --detailed, --summary and --minimal text on ${sameText}/${all.length}`);
    for (const d of disagreements) console.log(`      DISAGREE: ${d}`);
    for (const d of textDiffs) console.log(`      TEXT DIFFERS: ${d}`);
    assert.deepEqual(disagreements, []);
    assert.deepEqual(textDiffs, []);
    assert.deepEqual(features.filter((f) => !seen.has(f)), [], 'every feature is exercised by some microflow');
  });

  it('the CLI prints the same detailed trace as upstream (one microflow, end to end)', () => {
    const c = cases()[0]!;
    const main = path.join(__dirname, '..', 'main.js');
    const r = spawnSync(process.execPath, [main, 'trace', `--db=${remote}`, c.dp, c.flow], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, theirs(c, 'detailed'));
  });

  it('finds the datapath from the inport when none is given; an unknown datapath is an error', () => {
    const main = path.join(__dirname, '..', 'main.js');
    const c = cases()[0]!;
    const r = spawnSync(process.execPath, [main, 'trace', `--db=${remote}`, '--minimal', c.flow], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, theirs(c, 'minimal'));
    const bad = spawnSync(process.execPath, [main, 'trace', `--db=${remote}`, 'nosuchdp', c.flow], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown datapath "nosuchdp"/);
  });

  it('a bad microflow is a usage error with its position', () => {
    const main = path.join(__dirname, '..', 'main.js');
    const r = spawnSync(process.execPath, [main, 'trace', `--db=${remote}`, 'sw0', 'inport == "sw0-p1" && eth.src == '], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /error parsing flow: .*at position 33/);
  });
});
