import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';
import { decodePcap, type PcapRecord } from '../../core/packet/pcap';
import { decodeFrame } from '../../core/packet/decode';
import { icmp4Echo } from '../../core/packet/recipes';
import type { Nic } from '../../core/runtime/datagram';
import type { Clock } from '../../core/runtime/clock';
import { VmHost } from '../vm/vm-host';
import { PcapRecorder, RecordingNic, tapSegment } from './recorder';
import { replay, type PacketFate } from './replay';
import { SegmentFates } from './segment-fates';

function mac(n: number): Uint8Array {
  return new Uint8Array([2, 0, 0, 0, 0, n]);
}

describe('sim/pcap: recording and replay', () => {
  it('records a VM NIC (both directions) and a segment tap with virtual timestamps', () => {
    const world = new SimWorld({ seed: 'rec' });
    const seg = world.addSegment('lan', { latency: { baseMs: 5 } });
    const wire = tapSegment(world, seg);
    let vif!: PcapRecorder;
    let a!: VmHost;
    world.spawn('a', (rt, h) => {
      vif = new PcapRecorder('a-eth0', rt.clock);
      const nic = new RecordingNic(seg.attach(h, 'eth0', mac(1)), vif);
      a = new VmHost({ name: 'a', nic, clock: rt.clock, random: rt.random, ipv4: { address: '10.0.0.1', prefixLength: 24 } });
    });
    world.spawn('b', (rt, h) => new VmHost({ name: 'b', nic: seg.attach(h, 'eth0', mac(2)), clock: rt.clock, random: rt.random, ipv4: { address: '10.0.0.2', prefixLength: 24 } }));
    world.sim.schedule(1000, () => a.ping('10.0.0.2', { count: 1 }, () => {}));
    world.sim.run();
    const kinds = (records: readonly PcapRecord[]) => records.map((r) => {
      const d = decodeFrame(r.frame);
      assert.ok(d.ok);
      return `${r.timeMicros / 1000} ${d.value.l4?.kind ?? d.value.l3?.kind}`;
    });
    // a's NIC: its ARP request at 1 s, the reply 10 ms later, echo out, reply in.
    assert.deepEqual(kinds(vif.records), ['1000 arp', '1010 arp', '1010 icmp4', '1020 icmp4']);
    // The tap sees each frame when it reaches it, 5 ms after it was sent.
    assert.deepEqual(kinds(wire.records), ['1005 arp', '1010 arp', '1015 icmp4', '1020 icmp4']);
    const file = decodePcap(wire.encode());
    assert.ok(file.ok);
    assert.deepEqual(file.value.records.map((r) => r.frame), wire.records.map((r) => r.frame));
  });

  it('replays at the recorded pace or as fast as possible, reporting fates on a segment', () => {
    const world = new SimWorld({ seed: 'replay' });
    const seg = world.addSegment('lan', { latency: { baseMs: 1 } });
    const received: { at: number; frame: Uint8Array }[] = [];
    let injector!: Nic;
    let clock!: Clock;
    let fates!: SegmentFates;
    world.spawn('injector', (rt, h) => {
      injector = seg.attach(h, 'inj0', mac(1));
      clock = rt.clock;
      fates = new SegmentFates(seg, rt.clock);
    });
    world.spawn('sink', (_rt, h) => fates.watch(seg.attach(h, 'sink0', mac(2)), 'sink/eth0').setReceiver((f) => received.push({ at: world.sim.now, frame: f })));
    const frames = [0, 1, 2].map((seq) => icmp4Echo({ srcMac: mac(1), dstMac: mac(2), srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 1, sequence: seq }));
    const records: PcapRecord[] = frames.map((frame, i) => ({ timeMicros: 5_000_000 + i * 250_000, frame }));
    const outcomes: string[] = [];
    const show = (i: number, f: PacketFate) => `${i}: ${f.delivered.join(',') || '-'} ${f.dropped.map((d) => d.by).join(',')}`.trim();
    replay(records, injector, clock, { pace: 'recorded', fates, onFate: (i, _r, f) => outcomes.push(show(i, f)) });
    world.sim.run();
    assert.deepEqual(received.map((r) => r.at), [1, 251, 501]);
    assert.deepEqual(received.map((r) => r.frame), frames);
    assert.deepEqual(outcomes, ['0: sink/eth0', '1: sink/eth0', '2: sink/eth0']);
    // As fast as possible: all frames leave at once (one per 0 ms tick). Across a partition, every fate
    // names the fault; with loss, the lost ones do.
    received.length = 0;
    outcomes.length = 0;
    const t0 = world.sim.now;
    replay(records, injector, clock, { pace: 'fast', fates, onFate: (i, _r, f) => outcomes.push(show(i, f)) });
    world.sim.run();
    assert.deepEqual(received.map((r) => r.at - t0), [1, 1, 1]);
    assert.deepEqual(outcomes, ['0: sink/eth0', '1: sink/eth0', '2: sink/eth0']);
    outcomes.length = 0;
    world.partitions.partition([['injector'], ['sink']]);
    replay(records, injector, clock, { pace: 'fast', fates, onFate: (i, _r, f) => outcomes.push(show(i, f)) });
    world.sim.run();
    assert.deepEqual(outcomes, ['0: - segment lan: partitioned', '1: - segment lan: partitioned', '2: - segment lan: partitioned']);
    world.partitions.heal();
    outcomes.length = 0;
    seg.setFaults({ lossProbability: 0.5 });
    // Distinct frames: deliveries are matched by bytes, so identical frames in flight together are ambiguous.
    const many: PcapRecord[] = Array.from({ length: 40 }, (_, i) => ({
      timeMicros: i, frame: icmp4Echo({ srcMac: mac(1), dstMac: mac(2), srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 2, sequence: i }),
    }));
    replay(many, injector, clock, { pace: 'fast', fates, onFate: (i, _r, f) => outcomes.push(show(i, f)) });
    world.sim.run();
    const lost = outcomes.filter((o) => o.endsWith('segment lan: lost')).length;
    assert.equal(lost + outcomes.filter((o) => o.endsWith('sink/eth0')).length, 40);
    assert.equal(lost, seg.stats.lost);
    assert.ok(lost > 5 && lost < 35, `${lost} lost of 40`);
  });
});
