// Differential tests against the real ovs-ofctl: we play the switch on a unix socket, let ovs-ofctl send
// FLOW_MODs (add-flows) and compare our decode/print/re-encode with its own parse; then we serve our
// encoded dump-flows reply and compare ovs-ofctl's printed lines with our printer.
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
import { flowDescReplies, makeOxsStats } from './messages/multipart';
import type { FlowDesc, FlowMod, GroupMod, MeterMod, OfpMessage } from './messages/types';
import { formatDumpFlow, formatFlow } from './text/flow-format';
import { FlowModCommand, parseFlow } from './text/flow-parse';
import { formatGroup, parseGroup } from './text/group-text';
import { formatMeter, parseMeter } from './text/meter-text';
import { formatActions } from './text/action-format';
import { formatMatch } from './text/match-format';
import { ethernetPortProperty } from './messages/port';

const flowsFile = path.join(__dirname, '..', '..', '..', 'core', 'openflow', 'testdata', 'ovn-flows.txt');
const runTimeoutMs = 15000;

interface FakeSwitch { received: OfpMessage[]; raw: Uint8Array[]; close(): void }
type Responder = (m: OfpMessage) => OfpMessage[];

/** Replies a switch owes to any controller: FEATURES, BARRIER, ECHO, bundle control. */
function basicReplies(m: OfpMessage): OfpMessage[] {
  switch (m.type) {
    case 'features_request':
      return [{ type: 'features_reply', xid: m.xid, datapathId: 1n, nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: 0 }];
    case 'barrier_request': return [{ type: 'barrier_reply', xid: m.xid }];
    case 'echo_request': return [{ type: 'echo_reply', xid: m.xid, data: m.data }];
    case 'bundle_control': // OPEN/CLOSE/COMMIT/DISCARD_REQUEST (even) -> the matching REPLY (odd)
      return [{ type: 'bundle_control', xid: m.xid, bundleId: m.bundleId, controlType: m.controlType + 1, flags: m.flags, properties: [] }];
    default: return [];
  }
}

/** A minimal switch on a unix socket: answers as ovs-vswitchd would so ovs-ofctl proceeds; records all it got. */
function fakeSwitch(sock: string, respond: Responder, ready: () => void): FakeSwitch {
  const received: OfpMessage[] = [];
  const raw: Uint8Array[] = [];
  const server = net.createServer((c) => {
    let buf = new Uint8Array(0);
    const send = (m: OfpMessage) => c.write(encodeMessage(m));
    send({ type: 'hello', xid: 1, versions: [6] });
    c.on('data', (d: Buffer) => {
      const joined = new Uint8Array(buf.length + d.length);
      joined.set(buf);
      joined.set(d, buf.length);
      const { frames, consumed, error } = frameMessages(joined);
      assert.equal(error, undefined);
      buf = joined.slice(consumed);
      for (const f of frames) {
        const r = decodeMessage(f);
        if (!r.ok) throw new Error(`decode failed: ${r.error.message} (${toHex(f)})`);
        received.push(r.value);
        raw.push(f.slice());
        for (const reply of [...basicReplies(r.value), ...respond(r.value)]) send(reply);
      }
    });
    c.on('error', () => undefined);
  });
  server.listen(sock, ready);
  return { received, raw, close: () => server.close() };
}

/** Runs one ovs-ofctl command against a fresh fake switch; returns its output and what the switch got. */
async function withSwitch(dir: string, args: (sock: string) => string[], respond: Responder = () => []) {
  const sock = path.join(dir, `s${Math.floor(Math.random() * 1e9)}.sock`);
  return new Promise<{ code: number | null; stdout: string; stderr: string; received: OfpMessage[]; raw: Uint8Array[] }>((resolve, reject) => {
    const sw = fakeSwitch(sock, respond, () => {
      runOfctl(args(`unix:${sock}`)).then((res) => { sw.close(); resolve({ ...res, received: sw.received, raw: sw.raw }); }, reject);
    });
  });
}

function runOfctl(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('ovs-ofctl', ['-O', 'OpenFlow15', '--no-names', ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => { stdout += String(d); });
    p.stderr.on('data', (d) => { stderr += String(d); });
    const timer = setTimeout(() => p.kill(), runTimeoutMs);
    p.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Varies timeouts, flags, importance and the duration's precision across flows to cover every printer branch. */
function toFlowDesc(m: FlowMod, i: number): FlowDesc {
  const nsec = [345000000, 0, 123456789][i % 3]!;
  return {
    tableId: m.tableId, priority: m.priority, idleTimeout: i % 4 === 1 ? 30 : 0, hardTimeout: i % 5 === 2 ? 60 : 0,
    flags: i % 7 === 3 ? 1 | 4 : i % 7 === 4 ? 2 | 8 | 16 : 0, importance: i % 6 === 5 ? 9 : 0, cookie: BigInt(i), match: m.match,
    stats: makeOxsStats({ durationSec: 12 + i, durationNsec: nsec, idleAgeSec: i % 2 ? i : undefined, packets: BigInt(i * 3), bytes: BigInt(i * 300) }),
    instructions: m.instructions,
  };
}

describe('openflow vs ovs-ofctl', function () {
  let dir = '';
  let flowMods: FlowMod[] = [];
  let raw: Uint8Array[] = [];
  const lines = fs.readFileSync(flowsFile, 'utf8').split('\n').filter((l) => l.trim() !== '');

  before(function () {
    upstreamOrSkip(this, 'ovs-ofctl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofctl-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('decodes every FLOW_MOD ovs-ofctl add-flows sends and re-encodes identical bytes', async () => {
    const res = await withSwitch(dir, (sw) => ['add-flows', sw, flowsFile]);
    assert.equal(res.code, 0, res.stderr);
    flowMods = res.received.filter((m): m is FlowMod => m.type === 'flow_mod');
    raw = res.raw.filter((_, i) => res.received[i]!.type === 'flow_mod');
    assert.equal(flowMods.length, lines.length);
    for (let i = 0; i < flowMods.length; i++) {
      assert.equal(toHex(encodeMessage(flowMods[i]!)), toHex(raw[i]!), `re-encode of flow ${i + 1}: ${lines[i]}`);
    }
  });

  it('parses each flow text into the same FLOW_MOD bytes ovs-ofctl sends', function () {
    if (flowMods.length === 0) this.skip();
    const mismatches: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      const p = parseFlow(lines[i]!, flowMods[i]!.xid);
      if (!p.ok) { mismatches.push(`${i + 1}: ${p.error}`); continue; }
      const ours = toHex(encodeMessage(p.flowMod));
      if (ours !== toHex(raw[i]!)) mismatches.push(`${i + 1}: ${lines[i]}\n  ours   ${ours}\n  ofctl  ${toHex(raw[i]!)}\n  ours printed: ${formatFlow(p.flowMod)}`);
    }
    assert.deepEqual(mismatches, []);
  });

  const modifyDelete: Array<[string[], string, FlowModCommand]> = [
    [['del-flows'], 'table=8,reg14=1', 'delete'],
    [['--strict', 'del-flows'], 'priority=50,reg14=1', 'delete_strict'],
    [['del-flows'], '', 'delete'],
    [['del-flows'], 'cookie=0x1234/-1,out_port=5', 'delete'],
    [['mod-flows'], 'table=8,reg14=1 actions=drop', 'modify'],
    [['mod-flows'], 'reg14=1 actions=output:3', 'modify'],
    [['--strict', 'mod-flows'], 'priority=7,metadata=0x3,ip actions=load:0x1->NXM_NX_REG15[],resubmit(,37)', 'modify_strict'],
  ];
  for (const [verb, text, command] of modifyDelete) {
    it(`parses ${verb.join(' ')} '${text}' into the bytes ovs-ofctl sends`, async () => {
      const res = await withSwitch(dir, (sw) => [...verb, sw, ...(text ? [text] : [])]);
      assert.equal(res.code, 0, res.stderr);
      const i = res.received.findIndex((m) => m.type === 'flow_mod');
      const fm = res.received[i];
      assert.ok(fm && fm.type === 'flow_mod');
      const p = parseFlow(text, fm.xid, command);
      assert.ok(p.ok, p.ok ? '' : p.error);
      assert.equal(toHex(encodeMessage(p.flowMod)), toHex(res.raw[i]!));
    });
  }

  it('prints each decoded flow exactly as ovs-ofctl parse-flows does', function () {
    if (flowMods.length === 0) this.skip();
    const out = execFileSync('ovs-ofctl', ['-O', 'OpenFlow15', 'parse-flows', flowsFile], { encoding: 'utf8' });
    const expected = out.split('\n').filter((l) => l.startsWith('OFPT_FLOW_MOD'))
      .map((l) => l.replace(/^.*?: ADD (table:\d+ )?/, ''));
    assert.equal(expected.length, flowMods.length);
    assert.deepEqual(flowMods.map((m) => formatFlow(m)), expected);
  });

  it('serves dump-flows with our encoder and ovs-ofctl prints what our printer prints', async function () {
    if (flowMods.length === 0) this.skip();
    const descs = flowMods.map(toFlowDesc);
    const res = await withSwitch(dir, (sw) => ['dump-flows', sw], (m) =>
      m.type === 'multipart_request' && m.body.kind === 'flow_desc_request'
        ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'flow_desc_reply', flows: descs } }] : []);
    assert.equal(res.code, 0, res.stderr);
    const got = res.stdout.split('\n').filter((l) => l.startsWith(' cookie=')).map((l) => l.slice(1));
    assert.equal(got.length, descs.length, res.stdout);
    assert.deepEqual(descs.map(formatDumpFlow), got);
  });
  it('dumps 3000 flows split over several multipart replies (OFPMPF_REPLY_MORE)', async function () {
    if (flowMods.length === 0) this.skip();
    const descs = Array.from({ length: 3000 }, (_, i) => toFlowDesc(flowMods[i % flowMods.length]!, i));
    const replies = (xid: number) => flowDescReplies(xid, descs);
    assert.ok(replies(1).length > 1, 'expected more than one reply');
    for (const r of replies(1)) assert.ok(encodeMessage(r).length <= 0xffff);
    const res = await withSwitch(dir, (sw) => ['dump-flows', sw], (m) =>
      m.type === 'multipart_request' && m.body.kind === 'flow_desc_request' ? replies(m.xid) : []);
    assert.equal(res.code, 0, res.stderr);
    const got = res.stdout.split('\n').filter((l) => l.startsWith(' cookie=')).map((l) => l.slice(1));
    assert.deepEqual(got, descs.map(formatDumpFlow));
  });
});

describe('openflow vs ovs-ofctl: groups, meters, bundles, TLV maps, packet-out, ports', function () {
  let dir = '';
  before(function () {
    upstreamOrSkip(this, 'ovs-ofctl');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ofctl2-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  /** Every message the switch received re-encodes to the bytes ovs-ofctl sent. */
  function assertExactReencode(res: { received: OfpMessage[]; raw: Uint8Array[] }): void {
    res.received.forEach((m, i) => assert.equal(toHex(encodeMessage(m)), toHex(res.raw[i]!), m.type));
  }

  const groupMods: GroupMod[] = [];
  const groups = [
    'group_id=1,type=select,selection_method=dp_hash,bucket=bucket_id:0,weight:100,actions=ct(commit,table=16,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.5:80)),bucket=bucket_id:1,weight:50,actions=ct(commit,table=16,zone=NXM_NX_REG13[0..15],nat(dst=10.0.0.6:80))',
    'group_id=2,type=all,bucket=actions=load:0x2->NXM_NX_REG15[],resubmit(,37),bucket=actions=load:0x3->NXM_NX_REG15[],resubmit(,37)',
    'group_id=3,type=indirect,bucket=actions=output:5',
    'group_id=4,type=ff,bucket=watch_port:5,actions=output:5,bucket=watch_port:6,actions=output:6',
    // ovs-ofctl sends selection fields in OVS's field order, not the order written.
    'group_id=5,type=select,selection_method=hash,fields(ip_dst,ip_src,eth_src),bucket=bucket_id:0,weight:100,actions=output:5',
  ];
  for (const g of groups) {
    it(`decodes add-group ${g.slice(0, 40)}... and re-encodes it exactly`, async () => {
      const res = await withSwitch(dir, (sw) => ['add-group', sw, g]);
      assert.equal(res.code, 0, res.stderr);
      const gm = res.received.find((m) => m.type === 'group_mod');
      assert.ok(gm && gm.type === 'group_mod');
      assert.equal(gm.groupId, Number(/group_id=(\d+)/.exec(g)![1]));
      assert.equal(gm.groupType, ({ all: 0, select: 1, indirect: 2, ff: 3 } as Record<string, number>)[/type=(\w+)/.exec(g)![1]!]);
      assert.equal(gm.buckets.length, (g.match(/bucket=/g) ?? []).length);
      const printedActions = gm.buckets.map((b) => formatActions(b.actions));
      for (const p of printedActions) assert.ok(g.includes(p) || p.startsWith('set_field:'), `bucket actions ${p}`);
      assertExactReencode(res);
      const parsed = parseGroup(g, gm.xid);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      const i = res.received.indexOf(gm);
      assert.equal(toHex(encodeMessage(parsed.groupMod)), toHex(res.raw[i]!), 'parseGroup bytes vs ovs-ofctl');
      groupMods.push(gm);
    });
  }

  it('serves dump-groups (OFPMP_GROUP_DESC) and ovs-ofctl prints what formatGroup prints', async function () {
    if (groupMods.length !== groups.length) this.skip();
    const descs = groupMods.map((g) => ({ groupType: g.groupType, groupId: g.groupId, buckets: g.buckets, properties: g.properties }));
    const res = await withSwitch(dir, (sw) => ['dump-groups', sw], (m) => m.type === 'multipart_request' && m.body.kind === 'group_desc_request'
      ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'group_desc_reply', groups: descs } }] : []);
    assert.equal(res.code, 0, res.stderr);
    const got = res.stdout.split('\n').filter((l) => l.startsWith(' group_id=')).map((l) => l.slice(1));
    assert.deepEqual(got, descs.map(formatGroup));
    assertExactReencode(res);
  });

  const meters = [
    'meter=7,pktps,burst,stats,bands=type=drop,rate=100,burst_size=20',
    'meter=8,kbps,bands=type=drop,rate=2000',
    'meter=9,kbps,burst,bands=type=dscp_remark,rate=500,burst_size=50,prec_level=1',
  ];
  const meterMods: MeterMod[] = [];
  for (const text of meters) {
    it(`decodes add-meter ${text} and parseMeter gives the same bytes`, async () => {
      const res = await withSwitch(dir, (sw) => ['add-meter', sw, text]);
      assert.equal(res.code, 0, res.stderr);
      const i = res.received.findIndex((m) => m.type === 'meter_mod');
      const mm = res.received[i];
      assert.ok(mm && mm.type === 'meter_mod');
      assert.equal(mm.meterId, Number(/meter=(\d+)/.exec(text)![1]));
      assertExactReencode(res);
      const parsed = parseMeter(text, mm.xid);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.equal(toHex(encodeMessage(parsed.meterMod)), toHex(res.raw[i]!));
      meterMods.push(mm);
    });
  }

  it('serves dump-meters (OFPMP_METER_CONFIG) and ovs-ofctl prints what formatMeter prints', async function () {
    if (meterMods.length !== meters.length) this.skip();
    const configs = meterMods.map((m) => ({ flags: m.flags, meterId: m.meterId, bands: m.bands }));
    const res = await withSwitch(dir, (sw) => ['dump-meters', sw], (m) => m.type === 'multipart_request' && m.body.kind === 'meter_config_request'
      ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'meter_config_reply', meters: configs } }] : []);
    assert.equal(res.code, 0, res.stderr);
    // ovs-ofctl separates meters with a blank line.
    assert.equal(res.stdout.split('\n').slice(1).join('\n'), `${configs.map(formatMeter).join('\n\n')}\n`);
    assertExactReencode(res);
  });

  it('decodes a bundle (OPEN, ADD_MESSAGE x n, COMMIT) from add-flows --bundle', async () => {
    const file = path.join(dir, 'two.txt');
    fs.writeFileSync(file, 'table=0,priority=1,reg0=1 actions=drop\ntable=1,priority=2,metadata=0x5 actions=resubmit(,2)\n');
    const res = await withSwitch(dir, (sw) => ['--bundle', 'add-flows', sw, file]);
    assert.equal(res.code, 0, res.stderr);
    const controls = res.received.filter((m) => m.type === 'bundle_control').map((m) => m.type === 'bundle_control' && m.controlType);
    assert.deepEqual(controls, [0, 4]);
    const adds = res.received.filter((m) => m.type === 'bundle_add_message');
    assert.equal(adds.length, 2);
    for (const a of adds) {
      assert.ok(a.type === 'bundle_add_message');
      const inner = decodeMessage(a.message);
      assert.ok(inner.ok && inner.value.type === 'flow_mod');
      assert.equal(inner.value.xid, a.xid);
    }
    assertExactReencode(res);
  });

  it('decodes add-tlv-map, ct-flush-zone and packet-out', async () => {
    const tlv = await withSwitch(dir, (sw) => ['add-tlv-map', sw, '{class=0x102,type=0x80,len=4}->tun_metadata0']);
    assert.equal(tlv.code, 0, tlv.stderr);
    const mod = tlv.received.find((m) => m.type === 'nx_tlv_table_mod');
    assert.ok(mod && mod.type === 'nx_tlv_table_mod');
    assert.deepEqual(mod.mappings, [{ optionClass: 0x102, optionType: 0x80, optionLen: 4, index: 0 }]);
    assertExactReencode(tlv);

    const flush = await withSwitch(dir, (sw) => ['ct-flush-zone', sw, '42']);
    assert.equal(flush.code, 0, flush.stderr);
    const fz = flush.received.find((m) => m.type === 'nx_ct_flush_zone');
    assert.ok(fz && fz.type === 'nx_ct_flush_zone' && fz.zoneId === 42);
    assertExactReencode(flush);

    const frame = 'ffffffffffff0000000000010806000108000604000100000000000a0000010000000000000a000002';
    const po = await withSwitch(dir, (sw) => ['packet-out', sw, 'CONTROLLER', 'load:0x1->NXM_NX_REG14[],resubmit(,8)', frame]);
    assert.equal(po.code, 0, po.stderr);
    const out = po.received.find((m) => m.type === 'packet_out');
    assert.ok(out && out.type === 'packet_out');
    assert.equal(formatActions(out.actions), 'set_field:0x1->reg14,resubmit(,8)');
    assert.equal(toHex(out.data), frame);
    assert.equal(formatMatch(out.match), 'in_port=CONTROLLER');
    assertExactReencode(po);
  });

  it('serves group and meter features replies (ovn-controller probes these) that ovs-ofctl prints', async () => {
    const gf = await withSwitch(dir, (sw) => ['dump-group-features', sw], (m) => m.type === 'multipart_request' && m.body.kind === 'group_features_request'
      ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'group_features_reply', features: { types: 15, capabilities: 7, maxGroups: [4096, 4096, 4096, 4096], actions: [1, 1, 1, 1] } } }] : []);
    assert.equal(gf.code, 0, gf.stderr);
    assert.match(gf.stdout, /Group table:\s+Types:\s+0xf\s+Capabilities:\s+0x7/);
    assert.match(gf.stdout, /fast failover group:\s+max_groups=0x1000\s+actions: output/);
    assert.match(gf.stdout, /all group:\s+max_groups=0x1000/);
    assertExactReencode(gf);
    const mf = await withSwitch(dir, (sw) => ['meter-features', sw], (m) => m.type === 'multipart_request' && m.body.kind === 'meter_features_request'
      ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'meter_features_reply', features: { maxMeter: 200000, bandTypes: 2, capabilities: 0xf, maxBands: 1, maxColor: 0 } } }] : []);
    assert.equal(mf.code, 0, mf.stderr);
    assert.match(mf.stdout, /max_meter:200000 max_bands:1 max_color:0/);
    assert.match(mf.stdout, /band_types: drop/);
    assertExactReencode(mf);
  });

  it('serves dump-tlv-map and dump-ports-desc replies that ovs-ofctl prints', async () => {
    const tlv = await withSwitch(dir, (sw) => ['dump-tlv-map', sw], (m) => m.type === 'nx_tlv_table_request'
      ? [{ type: 'nx_tlv_table_reply', xid: m.xid, maxOptionSpace: 256, maxFields: 64, mappings: [{ optionClass: 0x102, optionType: 0x80, optionLen: 4, index: 0 }] }] : []);
    assert.equal(tlv.code, 0, tlv.stderr);
    assert.match(tlv.stdout, /max option space=256 max fields=64/);
    assert.match(tlv.stdout, /0x102\s+0x80\s+4\s+tun_metadata0/);

    const port = {
      portNo: 3, hwAddr: new Uint8Array([0xfa, 0x16, 0x3e, 0, 0, 3]), name: 'tap3', config: 0, state: 4,
      properties: [ethernetPortProperty(0x820, 10000000, 0)],
    };
    const pd = await withSwitch(dir, (sw) => ['dump-ports-desc', sw], (m) => m.type === 'multipart_request' && m.body.kind === 'port_desc_request'
      ? [{ type: 'multipart_reply', xid: m.xid, flags: 0, body: { kind: 'port_desc_reply', ports: [port] } }] : []);
    assert.equal(pd.code, 0, pd.stderr);
    assert.match(pd.stdout, /3\(tap3\): addr:fa:16:3e:00:00:03/);
    assert.match(pd.stdout, /state:\s+LIVE/);
    assert.match(pd.stdout, /speed: 10000 Mbps now/);
    assertExactReencode(pd);
  });
});
