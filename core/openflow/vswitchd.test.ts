// Against a real ovs-vswitchd (userspace datapath, in a temp dir): we program it with our encoder (TLV map,
// meter, groups, the OVN flow corpus), check it accepts everything, then dump flows and groups with our own
// requests and compare our decoding + printing of its replies with `ovs-ofctl dump-flows/dump-groups`.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { Client, Daemons, waitForFile } from './ovs-sandbox.spec';
import { decodeMessage, encodeMessage } from './messages/codec';
import type { FlowDesc, GroupDesc } from './messages/types';
import { formatDumpFlow } from './text/flow-format';
import { parseFlow } from './text/flow-parse';
import { formatGroup, parseGroup } from './text/group-text';
import { formatActions } from './text/action-format';
import { formatMatch } from './text/match-format';
import { fromHex, toHex } from './bytes';
import { nxpint, readPacketIn2Fields } from './messages/packet-in2';
import { oxm } from './testdata/samples';

const corpusFile = path.join(__dirname, '..', '..', '..', 'core', 'openflow', 'testdata', 'ovn-flows.txt');

describe('openflow vs a real ovs-vswitchd', function () {
  this.timeout(60000);
  let dir = '';
  let daemons: Daemons | undefined;
  let client: Client | undefined;
  const env = () => ({ ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir });
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env: env(), encoding: 'utf8' });
  const mgmt = () => path.join(dir, 'br0.mgmt');

  before(async function () {
    upstreamOrSkip(this, 'ovsdb-tool', 'ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vswitchd-'));
    const db = path.join(dir, 'conf.db');
    const dbSock = `unix:${path.join(dir, 'db.sock')}`;
    run('ovsdb-tool', ['create', db, '/usr/share/openvswitch/vswitch.ovsschema']);
    // Daemons run as our children (not --detach) so that stopping them also reaps them.
    daemons = new Daemons(env());
    daemons.start('ovsdb-server', [db, `--remote=p${dbSock}`, '-vconsole:off', `--log-file=${path.join(dir, 'ovsdb.log')}`]);
    await waitForFile(path.join(dir, 'db.sock'));
    run('ovs-vsctl', [`--db=${dbSock}`, '--no-wait', 'init']);
    daemons.start('ovs-vswitchd', [dbSock, '-vconsole:off', `--log-file=${path.join(dir, 'vsd.log')}`, '--disable-system']);
    run('ovs-vsctl', [`--db=${dbSock}`, 'add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath_type=netdev', 'protocols=OpenFlow15']);
    await waitForFile(mgmt());
    client = await Client.connect(mgmt());
    client.send({ type: 'hello', xid: 1, versions: [6] });
    await client.waitFor((m) => m.type === 'hello');
  });

  after(async () => {
    client?.close();
    await daemons?.stopAll();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts our TLV map, meter, groups and every corpus flow without an error', async () => {
    const c = client!;
    let xid = 100;
    c.send({ type: 'nx_tlv_table_mod', xid: xid++, command: 0, mappings: [{ optionClass: 0x102, optionType: 0x80, optionLen: 4, index: 0 }] });
    c.send({ type: 'meter_mod', xid: xid++, command: 0, flags: 0x2 | 0x8, meterId: 1, bands: [{ bandType: 1, rate: 1000, burstSize: 0, extra: 0 }] });
    for (const g of [
      'group_id=1,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=ct(commit,table=16,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:80)),bucket=bucket_id:1,weight:50,actions=ct(commit,table=16,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.6:80))',
      'group_id=2,type=all,bucket=actions=load:0x2->NXM_NX_REG15[],resubmit(,37),bucket=actions=load:0x3->NXM_NX_REG15[],resubmit(,37)',
    ]) {
      const p = parseGroup(g, xid++);
      assert.ok(p.ok, p.ok ? '' : p.error);
      c.send(p.groupMod);
    }
    const lines = fs.readFileSync(corpusFile, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const sent = new Map<number, string>();
    for (const line of lines) {
      const p = parseFlow(line, xid);
      assert.ok(p.ok, p.ok ? '' : p.error);
      sent.set(xid++, line);
      c.send(p.flowMod);
    }
    await c.barrier(xid++);
    const errors = c.received.filter((m) => m.type === 'error')
      .map((m) => (m.type === 'error' ? `xid ${m.xid} (${sent.get(m.xid) ?? 'setup'}): type ${m.errType} code ${m.code}` : ''));
    assert.deepEqual(errors, []);
  });

  it('decodes its flow dump and prints it exactly as ovs-ofctl dump-flows does', async () => {
    const c = client!;
    const xid = 5000;
    c.send({
      type: 'multipart_request', xid, flags: 0,
      body: { kind: 'flow_desc_request', request: { tableId: 255, outPort: 0xffffffff, outGroup: 0xffffffff, cookie: 0n, cookieMask: 0n, match: [] } },
    });
    await c.waitFor((m) => m.type === 'multipart_reply' && m.xid === xid && (m.flags & 1) === 0);
    const flows: FlowDesc[] = c.received.flatMap((m) => (m.type === 'multipart_reply' && m.xid === xid && m.body.kind === 'flow_desc_reply' ? m.body.flows : []));
    // Durations and idle ages move between the two dumps; everything else must match.
    const norm = (l: string) => l.replace(/duration=[\d.]+s/, 'duration=X').replace(/idle_age=\d+/, 'idle_age=X');
    const ours = flows.map((f) => norm(formatDumpFlow(f))).sort();
    const out = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-flows', mgmt()], { encoding: 'utf8' });
    const theirs = out.split('\n').filter((l) => l.startsWith(' cookie=')).map((l) => norm(l.slice(1))).sort();
    assert.ok(ours.length > 50, `only ${ours.length} flows`);
    assert.deepEqual(ours, theirs);
  });

  it('decodes its group dump and prints it exactly as ovs-ofctl dump-groups does', async () => {
    const c = client!;
    const xid = 6000;
    c.send({ type: 'multipart_request', xid, flags: 0, body: { kind: 'group_desc_request', groupId: 0xfffffffc } });
    await c.waitFor((m) => m.type === 'multipart_reply' && m.xid === xid && (m.flags & 1) === 0);
    const groups: GroupDesc[] = c.received.flatMap((m) => (m.type === 'multipart_reply' && m.xid === xid && m.body.kind === 'group_desc_reply' ? m.body.groups : []));
    const out = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-groups', mgmt()], { encoding: 'utf8' });
    const theirs = out.split('\n').filter((l) => l.startsWith(' group_id=')).map((l) => l.slice(1)).sort();
    assert.deepEqual(groups.map(formatGroup).sort(), theirs);
    assert.ok(groups.some((g) => g.buckets.some((b) => formatActions(b.actions).startsWith('ct(commit'))));
  });

  it('sends NXT_PACKET_IN2 with userdata and a continuation that we decode, and accepts our NXT_RESUME', async () => {
    const c = client!;
    // As pinctrl does: NXT_PACKET_IN2 format, and a miss_send_len so a service connection gets packet-ins.
    c.send({ type: 'nx_set_packet_in_format', xid: 7000, format: 2 });
    c.send({ type: 'set_config', xid: 7000, flags: 0, missSendLen: 0xffff });
    const flow = parseFlow('table=60,priority=10,arp actions=load:0x2a->NXM_NX_REG3[],controller(userdata=01.02.03.04,pause),resubmit(,61)', 7001);
    const after = parseFlow('table=61,priority=10,arp actions=load:0x7->NXM_NX_REG4[],controller(userdata=05)', 7002);
    assert.ok(flow.ok && after.ok);
    c.send({ ...flow.flowMod, cookie: 0xabcn });
    c.send(after.flowMod);
    await c.barrier(7003);
    const frame = fromHex('ffffffffffff0000000000010806000108000604000100000000000a0000010000000000000a000002');
    c.send({
      type: 'packet_out', xid: 7004, bufferId: 0xffffffff, match: [oxm('in_port_oxm', 'fffffffd'), oxm('metadata', '0000000000000005')],
      actions: [{ type: 'resubmit', variant: 'table', inPort: 0xfff8, table: 60 }], data: frame,
    });
    const pin = await c.waitFor((m) => m.type === 'nx_packet_in2');
    assert.ok(pin.type === 'nx_packet_in2');
    const f = readPacketIn2Fields(pin.properties);
    assert.equal(toHex(f.packet), toHex(frame));
    // Packets from PACKET_OUT have no rule of origin: OVS reports table 0 and omits the cookie.
    assert.equal(f.tableId, 0);
    assert.equal(f.cookie, undefined);
    assert.equal(f.reason, 1);
    assert.equal(toHex(f.userdata!), '01020304');
    assert.ok(f.continuation && f.continuation.length > 0, 'continuation present');
    const md = formatMatch(f.metadata ?? []);
    assert.match(md, /reg3=0x2a/);
    assert.match(md, /metadata=0x5/);
    assert.match(md, /in_port=CONTROLLER/);
    // Re-encoding the decoded PACKET_IN2 gives vswitchd's bytes back.
    const raw = encodeMessage(pin);
    const again = decodeMessage(raw);
    assert.ok(again.ok);
    assert.deepEqual(again.value, pin);
    // Resume with the packet and the continuation (as pinctrl does); vswitchd must accept it.
    const resumeProps = pin.properties.filter((p) => p.type === nxpint.packet || p.type === nxpint.continuation || p.type === nxpint.metadata);
    c.send({ type: 'nx_resume', xid: 7005, properties: resumeProps });
    await c.barrier(7006);
    const errors = c.received.filter((m) => m.type === 'error' && m.xid >= 7000);
    assert.deepEqual(errors, []);
    // The resumed pipeline ran table 61, whose controller action reports the registers set before and after.
    const second = await c.waitFor((m) => m.type === 'nx_packet_in2' && m !== pin);
    assert.ok(second.type === 'nx_packet_in2');
    const g = readPacketIn2Fields(second.properties);
    assert.equal(toHex(g.userdata!), '05');
    assert.match(formatMatch(g.metadata ?? []), /reg3=0x2a,reg4=0x7/);
  });

  it('sends PORT_STATUS when a port is added, and a port description we decode like ovs-ofctl', async () => {
    const c = client!;
    run('ovs-vsctl', [`--db=unix:${path.join(dir, 'db.sock')}`, 'add-port', 'br0', 'p9', '--', 'set', 'interface', 'p9', 'type=internal', 'ofport_request=9']);
    const ps = await c.waitFor((m) => m.type === 'port_status' && m.port.name === 'p9');
    assert.ok(ps.type === 'port_status');
    assert.equal(ps.reason, 0);
    assert.equal(ps.port.portNo, 9);
    c.send({ type: 'multipart_request', xid: 8000, flags: 0, body: { kind: 'port_desc_request', portNo: 0xffffffff } });
    await c.waitFor((m) => m.type === 'multipart_reply' && m.xid === 8000 && (m.flags & 1) === 0);
    const ports = c.received.flatMap((m) => (m.type === 'multipart_reply' && m.xid === 8000 && m.body.kind === 'port_desc_reply' ? m.body.ports : []));
    const out = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'dump-ports-desc', mgmt()], { encoding: 'utf8' });
    const theirs = [...out.matchAll(/^ (\d+|LOCAL)\((\S+)\): addr:(\S+)$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).sort();
    const ours = ports.map((p) => `${p.portNo === 0xfffffffe ? 'LOCAL' : p.portNo} ${p.name} ${[...p.hwAddr].map((b) => b.toString(16).padStart(2, '0')).join(':')}`).sort();
    assert.deepEqual(ours, theirs);
  });

  it('re-encodes every message vswitchd sent us to the same bytes', () => {
    const c = client!;
    assert.ok(c.received.length >= 8, `only ${c.received.length} messages`);
    c.received.forEach((m, i) => assert.equal(toHex(encodeMessage(m)), toHex(c.raw[i]!), `message ${i} (${m.type})`));
  });
});
