// The flows a real ovn-controller installs (a small OVN deployment in a temp dir: NB/SB/OVS databases,
// ovn-northd, ovn-controller, ovs-vswitchd with a userspace br-int) are the corpus that matters most:
//  - every message vswitchd sends us in the flow/group/meter dumps re-encodes to the same bytes;
//  - our printing of the dumps equals ovs-ofctl's;
//  - our parser turns each printed flow into the same FLOW_MOD bytes as ovs-ofctl add-flows does.
import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { toHex } from './bytes';
import { frameMessages } from './header';
import { decodeMessage, encodeMessage } from './messages/codec';
import type { OfpMessage } from './messages/types';
import { Client, Daemons, dumpAll, waitForFile } from './ovs-sandbox.spec';
import { formatDumpFlow } from './text/flow-format';
import { parseFlow } from './text/flow-parse';
import { formatGroup } from './text/group-text';
import { formatMeter } from './text/meter-text';

const binaries = ['ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovn-northd', 'ovn-controller', 'ovn-nbctl', 'ovn-sbctl'];
const syncTimeoutSec = 30;
const minExpectedFlows = 300;
const maxSettlePolls = 120;
const settlePollMs = 500;

describe('openflow vs flows from a real ovn-controller', function () {
  this.timeout(120000);
  let dir = '';
  let daemons: Daemons | undefined;
  let client: Client | undefined;
  let dumpText: string[] = [];
  const env = () => ({ ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVN_RUNDIR: dir, OVN_DBDIR: dir, OVN_LOGDIR: dir });
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: env(), encoding: 'utf8' });
  const p = (f: string) => path.join(dir, f);
  const mgmt = () => p('br-int.mgmt');

  before(async function () {
    upstreamOrSkip(this, ...binaries);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-of-'));
    daemons = new Daemons(env());
    const log = (n: string) => [`--log-file=${p(`${n}.log`)}`, '-vconsole:off'];
    run('ovsdb-tool', ['create', p('nb.db'), '/usr/share/ovn/ovn-nb.ovsschema']);
    run('ovsdb-tool', ['create', p('sb.db'), '/usr/share/ovn/ovn-sb.ovsschema']);
    run('ovsdb-tool', ['create', p('conf.db'), '/usr/share/openvswitch/vswitch.ovsschema']);
    for (const [db, name] of [['nb.db', 'nb'], ['sb.db', 'sb'], ['conf.db', 'db']] as const) {
      daemons.start('ovsdb-server', [p(db), `--remote=punix:${p(`${name}.sock`)}`, `--unixctl=${p(`${name}.ctl`)}`, ...log(name)]);
      await waitForFile(p(`${name}.sock`));
    }
    const vsctl = (...args: string[]) => run('ovs-vsctl', [`--db=unix:${p('db.sock')}`, ...args]);
    vsctl('--no-wait', 'init');
    daemons.start('ovs-vswitchd', [`unix:${p('db.sock')}`, '--disable-system', `--unixctl=${p('vswitchd.ctl')}`, ...log('vswitchd')]);
    daemons.start('ovn-northd', [`--ovnnb-db=unix:${p('nb.sock')}`, `--ovnsb-db=unix:${p('sb.sock')}`, `--unixctl=${p('northd.ctl')}`, ...log('northd')]);
    vsctl('set', 'open', '.', 'external_ids:system-id=hv1', `external_ids:ovn-remote=unix:${p('sb.sock')}`,
      'external_ids:ovn-encap-type=geneve', 'external_ids:ovn-encap-ip=127.0.0.1', 'external_ids:ovn-bridge-datapath-type=netdev');
    vsctl('add-br', 'br-int', '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', 'fail-mode=secure', 'other-config:disable-in-band=true');
    daemons.start('ovn-controller', [`unix:${p('db.sock')}`, ...log('controller')]);

    const nb = (...args: string[]) => run('ovn-nbctl', [`--db=unix:${p('nb.sock')}`, ...args]);
    nb('ls-add', 'sw0', '--', 'lsp-add', 'sw0', 'sw0-p1', '--', 'lsp-set-addresses', 'sw0-p1', '50:54:00:00:00:01 10.0.0.11',
      '--', 'lsp-set-port-security', 'sw0-p1', '50:54:00:00:00:01 10.0.0.11');
    nb('lsp-add', 'sw0', 'sw0-p2', '--', 'lsp-set-addresses', 'sw0-p2', '50:54:00:00:00:02 10.0.0.12 fd00::12');
    nb('ls-add', 'sw1', '--', 'lsp-add', 'sw1', 'sw1-p1', '--', 'lsp-set-addresses', 'sw1-p1', '50:54:00:00:01:01 20.0.0.11');
    nb('lr-add', 'lr0', '--', 'lrp-add', 'lr0', 'lr0-sw0', '00:00:00:00:ff:01', '10.0.0.1/24', 'fd00::1/64',
      '--', 'lrp-add', 'lr0', 'lr0-sw1', '00:00:00:00:ff:02', '20.0.0.1/24');
    for (const [sw, lrp] of [['sw0', 'lr0-sw0'], ['sw1', 'lr0-sw1']]) {
      nb('lsp-add', sw!, `${sw}-lr0`, '--', 'lsp-set-type', `${sw}-lr0`, 'router', '--', 'lsp-set-addresses', `${sw}-lr0`, 'router',
        '--', 'lsp-set-options', `${sw}-lr0`, `router-port=${lrp}`);
    }
    nb('lb-add', 'lb0', '10.0.0.100:80', '10.0.0.11:80,10.0.0.12:80', 'tcp', '--', 'ls-lb-add', 'sw0', 'lb0', '--', 'lr-lb-add', 'lr0', 'lb0');
    nb('acl-add', 'sw0', 'from-lport', '1002', 'inport == "sw0-p1" && ip4', 'allow-related');
    nb('acl-add', 'sw0', 'to-lport', '1002', 'outport == "sw0-p1" && ip4 && tcp.dst == {22, 80, 443}', 'allow-related');
    nb('meter-add', 'm1', 'drop', '10', 'pktps');
    nb('--log', '--meter=m1', 'acl-add', 'sw0', 'to-lport', '1001', 'ip4.src == 20.0.0.0/24', 'drop');
    nb('lr-nat-add', 'lr0', 'snat', '172.16.0.1', '10.0.0.0/24');
    nb('lr-nat-add', 'lr0', 'dnat_and_snat', '172.16.0.50', '10.0.0.11');
    const dhcp = nb('create', 'DHCP_Options', 'cidr=10.0.0.0/24',
      'options="lease_time"="3600" "router"="10.0.0.1" "server_id"="10.0.0.1" "server_mac"="00:00:00:00:ff:01"').trim();
    nb('lsp-set-dhcpv4-options', 'sw0-p1', dhcp);
    // More OVN features, for more kinds of flows: conjunctive ACLs over port groups and address sets, reject
    // (controller), LB hairpin and affinity (learn), gateway MTU (check_pkt_larger), localnet with a VLAN
    // tag, DNS, IPv6 RA, multicast snooping, ECMP routes (select groups).
    nb('pg-add', 'pg0', 'sw0-p1', 'sw0-p2');
    nb('create', 'Address_Set', 'name=as0', 'addresses="10.0.0.11","10.0.0.12","20.0.0.11"');
    nb('acl-add', 'pg0', 'to-lport', '1003', 'outport == @pg0 && ip4.src == $as0 && tcp.dst >= 1000 && tcp.dst <= 1010', 'allow-related');
    nb('acl-add', 'sw0', 'from-lport', '1004', 'inport == "sw0-p2" && udp.dst == 53', 'reject');
    nb('lb-add', 'lb1', '10.0.0.200:8080', '10.0.0.11:80,10.0.0.12:80', 'tcp', '--', 'ls-lb-add', 'sw0', 'lb1');
    nb('set', 'load_balancer', 'lb1', 'options:affinity_timeout=60');
    nb('set', 'logical_router_port', 'lr0-sw1', 'options:gateway_mtu=1400');
    nb('lsp-add', 'sw1', 'ln1', '--', 'lsp-set-type', 'ln1', 'localnet', '--', 'lsp-set-addresses', 'ln1', 'unknown',
      '--', 'lsp-set-options', 'ln1', 'network_name=phys', '--', 'set', 'logical_switch_port', 'ln1', 'tag=100');
    nb('set', 'logical_switch', 'sw0', 'other_config:mcast_snoop=true');
    const dns = nb('create', 'DNS', 'records={"vm1.ovn.org"="10.0.0.11"}').trim();
    nb('set', 'logical_switch', 'sw0', `dns_records=${dns}`);
    nb('set', 'logical_router_port', 'lr0-sw0', 'ipv6_ra_configs:address_mode=slaac');
    nb('lr-route-add', 'lr0', '30.0.0.0/24', '20.0.0.21', '--', '--ecmp', 'lr-route-add', 'lr0', '30.0.0.0/24', '20.0.0.22');
    vsctl('set', 'open', '.', 'external_ids:ovn-bridge-mappings=phys:br-phys');
    vsctl('add-br', 'br-phys', '--', 'set', 'bridge', 'br-phys', 'datapath_type=netdev');
    // A second (simulated) chassis holding sw0-p2, so hv1 builds a Geneve tunnel to it: tun_id/tun_metadata
    // flows and the TLV table mapping.
    run('ovn-sbctl', [`--db=unix:${p('sb.sock')}`, 'chassis-add', 'hv2', 'geneve', '127.0.0.2']);
    vsctl('add-port', 'br-int', 'p1', '--', 'set', 'interface', 'p1', 'type=internal', 'external_ids:iface-id=sw0-p1');
    await waitForFile(mgmt());
    // --wait=hv only waits for chassis that exist, so first wait until ovn-controller has installed the
    // logical flows and the flow count has stopped changing.
    let last = -1;
    for (let i = 0; i < maxSettlePolls; i++) {
      const n = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', mgmt()], { encoding: 'utf8' }).split('\n').length;
      if (n >= minExpectedFlows && n === last) break;
      last = n;
      await new Promise((r) => setTimeout(r, settlePollMs));
    }
    nb(`--timeout=${syncTimeoutSec}`, '--wait=hv', 'sync');
    run('ovn-sbctl', [`--db=unix:${p('sb.sock')}`, 'lsp-bind', 'sw0-p2', 'hv2']);
    for (let i = 0; i < maxSettlePolls; i++) {
      const flows = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', mgmt()], { encoding: 'utf8' });
      if (flows.includes('tun_metadata0')) break;
      await new Promise((r) => setTimeout(r, settlePollMs));
    }
    nb(`--timeout=${syncTimeoutSec}`, '--wait=hv', 'sync');
    client = await Client.connect(mgmt());
    client.send({ type: 'hello', xid: 1, versions: [6] });
    await client.waitFor((m) => m.type === 'hello');
    dumpText = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', '--no-stats', 'dump-flows', mgmt()], { encoding: 'utf8' })
      .split('\n').filter((l) => l.trim() !== '' && !l.startsWith('OFPST_FLOW'));
  });

  after(async () => {
    client?.close();
    await daemons?.stopAll();
    if (dir && !process.env.KEEP_OVN_DIR) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('re-encodes every message of its flow, group and meter dumps to identical bytes', async () => {
    const c = client!;
    await dumpAll(c, 100, { kind: 'flow_desc_request', request: { tableId: 255, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } });
    await dumpAll(c, 101, { kind: 'group_desc_request', groupId: 0xfffffffc });
    await dumpAll(c, 102, { kind: 'meter_config_request', meterId: 0xffffffff });
    assert.ok(c.received.length > 3);
    c.received.forEach((m, i) => assert.equal(toHex(encodeMessage(m)), toHex(c.raw[i]!), `message ${i} (${m.type})`));
  });

  it('prints its flow dump exactly as ovs-ofctl dump-flows does', async () => {
    const replies = await dumpAll(client!, 200, { kind: 'flow_desc_request', request: { tableId: 255, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } });
    const flows = replies.flatMap((r) => (r.body.kind === 'flow_desc_reply' ? r.body.flows : []));
    assert.ok(flows.length >= minExpectedFlows, `only ${flows.length} flows`);
    const norm = (l: string) => l.replace(/duration=[\d.]+s/, 'duration=X').replace(/idle_age=\d+/, 'idle_age=X');
    const out = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', mgmt()], { encoding: 'utf8' });
    const theirs = out.split('\n').filter((l) => l.startsWith(' cookie=')).map((l) => norm(l.slice(1))).sort();
    assert.deepEqual(flows.map((f) => norm(formatDumpFlow(f))).sort(), theirs);
  });

  it('prints its groups and meters exactly as ovs-ofctl does', async () => {
    const g = await dumpAll(client!, 300, { kind: 'group_desc_request', groupId: 0xfffffffc });
    const groups = g.flatMap((r) => (r.body.kind === 'group_desc_reply' ? r.body.groups : []));
    assert.ok(groups.length >= 1, 'the load balancer should have produced a group');
    const gOut = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-groups', mgmt()], { encoding: 'utf8' });
    assert.deepEqual(groups.map(formatGroup).sort(), gOut.split('\n').filter((l) => l.startsWith(' group_id=')).map((l) => l.slice(1)).sort());
    const m = await dumpAll(client!, 301, { kind: 'meter_config_request', meterId: 0xffffffff });
    const meters = m.flatMap((r) => (r.body.kind === 'meter_config_reply' ? r.body.meters : []));
    assert.ok(meters.length >= 1, 'the ACL log meter should exist');
    const mOut = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-meters', mgmt()], { encoding: 'utf8' });
    assert.equal(mOut.split('\n').slice(1).join('\n'), `${meters.map(formatMeter).join('\n\n')}\n`);
  });

  it('parses every flow ovn-controller installed into the FLOW_MOD bytes ovs-ofctl add-flows sends', async () => {
    assert.ok(dumpText.length >= minExpectedFlows, `only ${dumpText.length} flows`);
    fs.writeFileSync(p('installed-flows.txt'), `${dumpText.join('\n')}\n`);
    // The deployment must really exercise the Nicira actions and matches this codec exists for.
    for (const needle of ['conjunction(', 'conj_id=', 'learn(', 'check_pkt_larger(', 'controller(userdata=', 'pause',
      'ct(commit', 'nat(', 'group:', 'push_vlan', 'ct_state=', 'ct_mark|ct_label', 'move:', 'resubmit(', 'clone(', 'ct_clear', 'dec_ttl',
      '->tun_id', 'NXM_NX_TUN_ID[', '->tun_metadata0', 'NXM_NX_TUN_METADATA0[']) {
      // "a|b": either (northd uses ct_label instead of ct_mark when a chassis lacks the feature).
      assert.ok(dumpText.some((l) => needle.split('|').some((n) => l.includes(n))), `no installed flow contains "${needle}"`);
    }
    const file = p('ovn-flows.txt');
    fs.writeFileSync(file, `${dumpText.join('\n')}\n`);
    const captured = await captureFlowMods(file, p('capture.sock'));
    assert.equal(captured.length, dumpText.length);
    const mismatches: string[] = [];
    dumpText.forEach((line, i) => {
      const parsed = parseFlow(line.trim(), decodeXid(captured[i]!));
      if (!parsed.ok) mismatches.push(`${line}: ${parsed.error}`);
      else if (toHex(encodeMessage(parsed.flowMod)) !== toHex(captured[i]!)) mismatches.push(line);
    });
    assert.deepEqual(mismatches, []);
  });
});

function decodeXid(frame: Uint8Array): number {
  return ((frame[4]! << 24) | (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!) >>> 0;
}

/** Runs `ovs-ofctl add-flows` against a minimal fake switch and returns the FLOW_MOD frames it sent. */
function captureFlowMods(file: string, sock: string): Promise<Uint8Array[]> {
  const frames: Uint8Array[] = [];
  return new Promise((resolve, reject) => {
    const server = net.createServer((c) => {
      let buf = new Uint8Array(0);
      const send = (m: OfpMessage) => c.write(encodeMessage(m));
      send({ type: 'hello', xid: 1, versions: [6] });
      c.on('data', (d: Buffer) => {
        const joined = new Uint8Array(buf.length + d.length);
        joined.set(buf);
        joined.set(d, buf.length);
        const cut = frameMessages(joined);
        buf = joined.slice(cut.consumed);
        for (const f of cut.frames) {
          const r = decodeMessage(f);
          if (!r.ok) { reject(new Error(r.error.message)); return; }
          if (r.value.type === 'flow_mod') frames.push(f.slice());
          if (r.value.type === 'barrier_request') send({ type: 'barrier_reply', xid: r.value.xid });
          if (r.value.type === 'features_request') {
            send({ type: 'features_reply', xid: r.value.xid, datapathId: 1n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0 });
          }
        }
      });
      c.on('error', () => undefined);
    });
    server.listen(sock, () => {
      const child = spawn('ovs-ofctl', ['-O', 'OpenFlow15', '--no-names', 'add-flows', `unix:${sock}`, file]);
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += String(d); });
      child.on('close', (code) => {
        server.close();
        if (code === 0) resolve(frames); else reject(new Error(`ovs-ofctl add-flows failed: ${stderr}`));
      });
    });
  });
}
