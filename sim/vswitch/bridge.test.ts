import { strict as assert } from 'node:assert';
import { encodeMessage, ofpfc, parseFlow, type FlowMod } from '../../core/openflow';
import { toHex, udp4, decodeFrame } from '../../core/packet';
import { Bridge, type PacketInEvent, dumpFlows, OpenFlowChannel, Conntrack, ctBits, ctTimeoutsMs } from './index';

function fakeClock() {
  const c = { t: 0, nowMs: () => c.t, wallClockMs: () => c.t, setTimer: () => ({ cancel() {} }) };
  return c;
}
function flow(text: string, command = 0): FlowMod {
  const r = parseFlow(text);
  if (!r.ok) throw new Error(r.error);
  return { ...r.flowMod, command };
}
const pkt = (sport = 1000, dst = '10.0.0.2') => udp4({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: dst, srcPort: sport, dstPort: 2000, data: new Uint8Array(8) });

function setup(opts: { cache?: boolean; onPacketIn?: (p: PacketInEvent) => void } = {}) {
  const clock = fakeClock();
  const out: [number, string][] = [];
  const br = new Bridge({ name: 'br0', clock, ...opts });
  for (const p of [1, 2, 3]) br.addPort({ name: `p${p}`, kind: 'vif', ofport: p, deliver: (f) => out.push([p, toHex(f)]) });
  return { br, out, clock };
}

describe('vswitch Bridge', () => {
  it('pauses at controller(pause) and resumes with the continuation where it stopped', () => {
    const pins: PacketInEvent[] = [];
    const { br, out } = setup({ onPacketIn: (p) => pins.push(p) });
    br.flowMod(flow('table=0,in_port=1 actions=load:0x7->NXM_NX_REG3[],resubmit(,1),output:3'));
    br.flowMod(flow('table=1,ip actions=controller(userdata=01.02,pause),set_field:10.9.9.9->ip_dst,output:2'));
    br.receive(1, pkt());
    assert.equal(out.length, 0);
    assert.equal(pins.length, 1);
    assert.deepEqual([...pins[0]!.userdata!], [1, 2]);
    assert.ok(pins[0]!.continuation);
    br.resume(pins[0]!.continuation!);
    assert.deepEqual(out.map((o) => o[0]), [2, 3]);
    const d = decodeFrame(Uint8Array.from(Buffer.from(out[0]![1], 'hex')));
    assert.ok(d.ok && d.value.l3?.kind === 'ipv4' && d.value.l3.dst === 0x0a090909);
  });

  it('applies a bundle atomically: one bad flow_mod leaves the tables unchanged', () => {
    const { br } = setup();
    br.flowMod(flow('table=0,priority=5 actions=output:2'));
    assert.throws(() => br.bundle([flow('table=0,priority=6 actions=output:3'), { ...flow('priority=1 actions=drop'), tableId: 254 + 3 }]));
    assert.equal(br.tables.allFlows().length, 1);
    br.bundle([flow('table=0,priority=6 actions=output:3')]);
    assert.equal(br.tables.allFlows().length, 2);
  });

  it('modifies and deletes strictly and loosely, with cookie masks', () => {
    const { br, out } = setup();
    br.flowMod({ ...flow('table=0,priority=5,udp actions=output:2'), cookie: 0x11n });
    br.flowMod({ ...flow('table=0,priority=6,udp,tp_dst=2000 actions=output:3'), cookie: 0x22n });
    br.flowMod(flow('table=0,priority=6,udp,tp_dst=2000 actions=output:1', ofpfc.modifyStrict));
    br.receive(2, pkt());
    assert.deepEqual(out.map((o) => o[0]), [1]);
    br.flowMod({ ...flow('table=0,udp actions=drop', ofpfc.delete), cookie: 0x22n, cookieMask: 0xffn });
    assert.equal(br.tables.allFlows().length, 1);
    br.flowMod(flow('table=0,priority=4,udp actions=drop', ofpfc.deleteStrict));
    assert.equal(br.tables.allFlows().length, 1, 'strict delete needs the same priority');
    br.flowMod(flow('table=0,priority=5,udp actions=drop', ofpfc.deleteStrict));
    assert.equal(br.tables.allFlows().length, 0);
  });

  it('counts packets per flow, cache hits included, and prints dump-flows', () => {
    const { br, clock } = setup();
    br.flowMod(flow('table=0,in_port=1 actions=output:2'));
    for (let i = 0; i < 3; i++) br.receive(1, pkt());
    assert.equal(br.stats.cacheHits, 2);
    clock.t = 2500;
    assert.deepEqual(dumpFlows(br, clock.t), ['cookie=0x0, duration=2.500s, table=0, n_packets=3, n_bytes=150, idle_age=2, in_port=1 actions=output:2']);
  });

  it('invalidates the cache on every flow change', () => {
    const { br, out } = setup();
    br.flowMod(flow('table=0,in_port=1 actions=output:2'));
    br.receive(1, pkt());
    br.flowMod(flow('table=0,priority=40000,in_port=1 actions=output:3'));
    br.receive(1, pkt());
    assert.deepEqual(out.map((o) => o[0]), [2, 3]);
  });

  it('cache and no cache give the same outputs', () => {
    const a = setup({ cache: true });
    const b = setup({ cache: false });
    for (const x of [a, b]) {
      x.br.flowMod(flow('table=0,udp,tp_src=1000 actions=set_field:9->udp_dst,output:2'));
      x.br.flowMod(flow('table=0,priority=1 actions=output:3'));
      for (const s of [1000, 1001, 1000, 1001]) x.br.receive(1, pkt(s));
    }
    assert.deepEqual(a.out, b.out);
    assert.equal(a.br.stats.cacheHits, 2);
  });

  it('traces tables, flows and datapath actions without counting', () => {
    const { br } = setup();
    br.flowMod(flow('table=0 actions=resubmit(,3)'));
    br.flowMod(flow('table=3,ip actions=ct(zone=1),output:2'));
    const t = br.trace(1, pkt());
    assert.deepEqual(t.steps.map((s) => s.tableId), [0, 3]);
    assert.deepEqual(t.dpActions, ['ct(zone=1)', 'output:2']);
    assert.equal(br.tables.allFlows()[0]!.nPackets, 0);
  });

  it('carries frames over Geneve tunnel ports with VNI and the OVN option', () => {
    const clock = fakeClock();
    const got: Uint8Array[] = [];
    const b2 = new Bridge({ name: 'br-b', clock });
    const a = new Bridge({ name: 'br-a', clock });
    a.addPort({ name: 'vm', kind: 'vif', ofport: 1 });
    a.addPort({ name: 'tun', kind: 'tunnel', ofport: 10, tunnel: { localMac: '02:00:00:00:00:01', remoteMac: '02:00:00:00:00:02', localIp: '192.168.0.1', remoteIp: '192.168.0.2', underlaySend: (f) => b2.receive(10, f) } });
    b2.addPort({ name: 'tun', kind: 'tunnel', ofport: 10, tunnel: { localMac: '02:00:00:00:00:02', remoteMac: '02:00:00:00:00:01', localIp: '192.168.0.2', remoteIp: '192.168.0.1', underlaySend: () => {} } });
    b2.addPort({ name: 'vm', kind: 'vif', ofport: 2, deliver: (f) => got.push(f) });
    a.flowMod(flow('in_port=1 actions=set_field:0x123->tun_id,set_field:0x00050007->tun_metadata0,output:10'));
    b2.flowMod(flow('in_port=10,tun_id=0x123,tun_metadata0=0x50007,tun_src=192.168.0.1 actions=output:2'));
    a.receive(1, pkt());
    assert.equal(got.length, 1);
    assert.equal(toHex(got[0]!), toHex(pkt()));
  });

  it('expires connections on the virtual clock', () => {
    const clock = fakeClock();
    const ct = new Conntrack(clock);
    const t = { src: 1, dst: 2, proto: 17, sport: 5, dport: 6, v6: false };
    assert.equal(ct.process(t, { zone: 0, commit: true }).state, ctBits.trk | ctBits.new);
    clock.t = ctTimeoutsMs.otherFirst - 1;
    assert.equal(ct.process({ ...t, src: 2, dst: 1, sport: 6, dport: 5 }, { zone: 0, commit: false }).state, ctBits.trk | ctBits.est | ctBits.rpl);
    clock.t += ctTimeoutsMs.otherBidir;
    assert.equal(ct.process(t, { zone: 0, commit: false }).state, ctBits.trk | ctBits.new);
    assert.equal(ct.size, 0);
  });

  it('allocates SNAT ports deterministically from a range when the original is taken', () => {
    const ct = new Conntrack(fakeClock());
    const nat = { spec: { kind: 'src' as const, addrMin: 100, addrMax: 100, portMin: 5000, portMax: 5001 } };
    const mk = (src: number) => ({ src, dst: 2, proto: 17, sport: 5000, dport: 53, v6: false });
    assert.deepEqual(ct.process(mk(1), { zone: 0, commit: true, nat }).rewrite, { src: 100, sport: 5000, dst: 2, dport: 53 });
    assert.deepEqual(ct.process(mk(3), { zone: 0, commit: true, nat }).rewrite, { src: 100, sport: 5001, dst: 2, dport: 53 });
    assert.equal(ct.process(mk(4), { zone: 0, commit: true, nat }).state & ctBits.inv, ctBits.inv, 'range exhausted');
  });

  it('takes flow_mods as OpenFlow bytes and rejects malformed ones with a reason', () => {
    const { br } = setup();
    const ch = new OpenFlowChannel(br);
    assert.deepEqual(ch.handle(encodeMessage(flow('table=2,priority=9 actions=drop'))), { ok: true, type: 'flow_mod' });
    assert.equal(br.tables.table(2).length, 1);
    const r = ch.handle(new Uint8Array([6, 14, 0, 8, 0, 0, 0, 1]));
    assert.equal(r.ok, false);
    assert.equal([...ch.rejected.values()].reduce((a, b) => a + b, 0), 1);
  });

  it('learns flows from packets', () => {
    const { br, out } = setup();
    br.flowMod(flow('table=0,in_port=1 actions=learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])'));
    br.flowMod(flow('table=0,in_port=2 actions=resubmit(,1)'));
    br.receive(1, pkt());
    assert.equal(br.tables.table(1).length, 1);
    br.receive(2, udp4({ srcMac: '00:00:00:00:00:02', dstMac: '00:00:00:00:00:01', srcIp: '10.0.0.2', dstIp: '10.0.0.1', srcPort: 1, dstPort: 2, data: new Uint8Array(0) }));
    assert.deepEqual(out.map((o) => o[0]), [1]);
  });
});

describe('vswitch OpenFlow channel: NXT_PACKET_IN2, NXT_RESUME, packet-out', () => {
  it('sends a paused packet-in as NXT_PACKET_IN2 bytes and resumes from an NXT_RESUME with changed metadata', async () => {
    const { decodeMessage, readPacketIn2Fields } = await import('../../core/openflow');
    let ch: OpenFlowChannel | undefined;
    const sent: Uint8Array[] = [];
    const { br, out } = setup({ onPacketIn: (p) => sent.push(encodeMessage(ch!.packetIns.encode(p, 7))) });
    ch = new OpenFlowChannel(br);
    br.flowMod(flow('table=0,in_port=1 actions=load:0x2a->NXM_NX_REG1[],controller(userdata=aa,pause),resubmit(,1)'));
    br.flowMod(flow('table=1,reg1=0x2a actions=output:2'));
    br.flowMod(flow('table=1,reg1=0x2b actions=output:3'));
    br.receive(1, pkt());
    assert.equal(sent.length, 1);
    const d = decodeMessage(sent[0]!);
    assert.ok(d.ok && d.value.type === 'nx_packet_in2');
    const f = readPacketIn2Fields(d.value.properties);
    assert.equal(toHex(f.packet), toHex(pkt()));
    assert.deepEqual([...f.userdata!], [0xaa]);
    assert.ok(f.metadata!.some((e) => e.field.name === 'reg1' && e.value[3] === 0x2a));
    assert.ok(f.continuation);
    // The controller changes reg1 before resuming: the resumed pipeline must see it.
    const props = d.value.properties.map((p) => (p.type === 6
      ? { type: 6, value: Uint8Array.from(encodeMeta('reg1', 0x2b)) } : p));
    const r = ch.handle(encodeMessage({ type: 'nx_resume', xid: 8, properties: props }));
    assert.deepEqual(r, { ok: true, type: 'nx_resume' });
    assert.deepEqual(out.map((o) => o[0]), [3]);
    assert.equal(ch.handle(encodeMessage({ type: 'nx_resume', xid: 9, properties: props })).ok, false, 'a continuation resumes once');
  });

  it('runs packet-out actions with the in_port from the match', () => {
    const { br, out } = setup();
    const ch = new OpenFlowChannel(br);
    br.flowMod(flow('table=0,in_port=3 actions=output:2'));
    const po = parseFlow('in_port=3 actions=output:1,resubmit(,0)');
    assert.ok(po.ok);
    const acts = po.flowMod.instructions[0]!;
    assert.ok(acts.type === 'apply_actions');
    assert.deepEqual(ch.handleMessage({ type: 'packet_out', xid: 1, bufferId: 0xffffffff, match: po.flowMod.match, actions: acts.actions, data: pkt() }), { ok: true, type: 'packet_out' });
    assert.deepEqual(out.map((o) => o[0]), [1, 2]);
  });
});

/** An NXM_NX_REGn metadata TLV list: header (class 1, field n, length 4) then the value. */
function encodeMeta(reg: string, v: number): number[] {
  const n = Number(reg.slice(3));
  return [0x00, 0x01, (n << 1) & 0xfe, 4, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

describe('vswitch ports and timeouts', () => {
  it('connects bridges with patch ports and reports port status changes', () => {
    const clock = fakeClock();
    const events: string[] = [];
    const got: number[] = [];
    const a = new Bridge({ name: 'br-a', clock, onPortStatus: (e) => events.push(`${e.reason}:${e.port.name}:${e.port.up}`) });
    const b = new Bridge({ name: 'br-b', clock });
    a.addPort({ name: 'vm', kind: 'vif', ofport: 1 });
    a.addPort({ name: 'patch-a', kind: 'patch', ofport: 5, peer: (f) => b.receive(6, f) });
    b.addPort({ name: 'patch-b', kind: 'patch', ofport: 6, peer: (f) => a.receive(5, f) });
    b.addPort({ name: 'vm', kind: 'vif', ofport: 2, deliver: () => got.push(2) });
    a.flowMod(flow('in_port=1 actions=output:5'));
    b.flowMod(flow('in_port=6 actions=output:2'));
    a.receive(1, pkt());
    assert.deepEqual(got, [2]);
    a.setPortUp(5, false);
    a.receive(1, pkt());
    assert.deepEqual(got, [2], 'a down port sends nothing');
    a.deletePort(5);
    assert.deepEqual(events, ['add:br-a:true', 'add:vm:true', 'add:patch-a:true', 'modify:patch-a:false', 'delete:patch-a:false']);
    assert.equal(a.port(5), undefined);
  });

  it('expires flows on idle and hard timeouts of the bridge clock', () => {
    const { br, clock } = setup();
    br.flowMod({ ...flow('priority=2,in_port=1 actions=output:2'), idleTimeout: 10 });
    br.flowMod({ ...flow('priority=1,in_port=1 actions=output:3'), hardTimeout: 30 });
    clock.t = 9_000;
    br.receive(1, pkt());
    clock.t = 18_000;
    assert.equal(br.expireFlows().length, 0, 'used at 9 s: idle until 19 s');
    clock.t = 19_000;
    assert.deepEqual(br.expireFlows().map((f) => f.priority), [2]);
    clock.t = 30_000;
    assert.deepEqual(br.expireFlows().map((f) => f.priority), [1]);
  });

  it('counts an over-wide tun_id on a tunnel port as a translation error', () => {
    const { br } = setup();
    br.addPort({ name: 'tun', kind: 'tunnel', ofport: 10, tunnel: { localMac: '02:00:00:00:00:01', remoteMac: '02:00:00:00:00:02', localIp: '1.1.1.1', remoteIp: '1.1.1.2', underlaySend: () => assert.fail('sent') } });
    br.flowMod(flow('in_port=1 actions=set_field:0x1000000->tun_id,output:10'));
    br.receive(1, pkt());
    assert.equal([...br.stats.translationErrors.keys()].length, 1);
  });
});

describe('vswitch translation failures', () => {
  it('drops and counts (never throws) on unmodelled fields and refused learned flows', () => {
    const { br, out } = setup();
    br.flowMod(flow('table=0,in_port=1 actions=output:2,set_field:5->nsh_spi,output:3'));
    br.flowMod(flow('table=0,in_port=2 actions=learn(table=0,priority=1,NXOXM_NSH_SPI[]=NXM_NX_REG0[]),output:3'));
    br.receive(1, pkt());
    br.receive(2, pkt());
    assert.deepEqual(out, [], 'a failed translation outputs nothing');
    assert.equal([...br.stats.translationErrors.values()].reduce((a, b) => a + b, 0), 2);
  });
});

describe('vswitch field prerequisites', () => {
  it('refuses matches and actions whose fields lack prerequisites in the match', () => {
    const { br } = setup();
    const tcp = flow('tcp,tp_dst=80 actions=drop');
    const withoutProto = { ...tcp, match: tcp.match.filter((e) => e.field.name !== 'nw_proto') };
    assert.throws(() => br.flowMod(withoutProto), /tcp_dst lacks its prerequisites/);
    assert.throws(() => br.flowMod(flow('udp actions=set_field:80->tcp_dst')), /OFPBAC_MATCH_INCONSISTENT/);
    assert.throws(() => br.flowMod(flow('actions=ct(commit)')), /needs an IPv4 or IPv6 match/);
    assert.throws(() => br.flowMod(flow('ip,ct_state=+trk,ct_nw_dst=10.0.0.1 actions=drop')), /ct_nw_dst/);
    br.flowMod(flow('ip,ct_state=+trk-inv,ct_nw_dst=10.0.0.1 actions=drop'));
    br.flowMod(flow('icmp6,icmpv6_type=135,nd_target=fd00::1 actions=drop'));
    assert.equal(br.tables.allFlows().length, 2);
  });
});
