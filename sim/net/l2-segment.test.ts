import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';
import type { Nic } from '../../core/runtime/datagram';

function mac(n: number): Uint8Array {
  return new Uint8Array([2, 0, 0, 0, 0, n]);
}

/** A frame to `dst` whose payload carries a sequence number. */
function frame(dst: Uint8Array, src: Uint8Array, seq: number, payloadBytes = 46): Uint8Array {
  const f = new Uint8Array(14 + payloadBytes);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88;
  f[13] = 0xb5; // local experimental ethertype
  new DataView(f.buffer).setUint32(14, seq);
  return f;
}

function wire(faults: Parameters<SimWorld['addSegment']>[1], seed = 'wire') {
  const world = new SimWorld({ seed });
  const seg = world.addSegment('underlay', faults);
  const received: number[] = [];
  let nicA!: Nic;
  world.spawn('a', (_rt, h) => (nicA = seg.attach(h, 'eth0', mac(1))));
  world.spawn('b', (_rt, h) => {
    const nic = seg.attach(h, 'eth0', mac(2));
    nic.setReceiver((f) => received.push(new DataView(f.buffer, f.byteOffset).getUint32(14)));
  });
  return { world, seg, received, send: (seq: number, bytes?: number) => nicA.send(frame(mac(2), mac(1), seq, bytes)) };
}

describe('L2Segment', () => {
  it('delivers in order without faults', () => {
    const { world, received, send } = wire({ latency: { baseMs: 1, jitterMs: 3 } });
    for (let i = 0; i < 100; i++) send(i);
    world.sim.run();
    assert.deepEqual(received, Array.from({ length: 100 }, (_, i) => i));
  });

  it('loses, duplicates and reorders at the configured rates (seeded, statistical)', () => {
    const n = 20_000;
    const { world, seg, received, send } = wire({
      lossProbability: 0.1, duplicateProbability: 0.05, reorderProbability: 0.2, reorderDelayMs: 5,
      latency: { baseMs: 1 },
    });
    for (let i = 0; i < n; i++) world.sim.schedule(i * 0.01, () => send(i));
    world.sim.run();
    const near = (x: number, p: number, what: string) =>
      assert.ok(Math.abs(x / n - p) < 4 * Math.sqrt((p * (1 - p)) / n) + 0.002, `${what}: ${x / n} vs ${p} (seed wire)`);
    near(seg.stats.lost, 0.1, 'loss');
    near(seg.stats.duplicated, 0.9 * 0.05, 'duplication');
    const dupes = received.length - new Set(received).size;
    assert.equal(dupes, seg.stats.duplicated);
    let inversions = 0;
    for (let i = 1; i < received.length; i++) if (received[i]! < received[i - 1]!) inversions++;
    assert.ok(inversions > n * 0.05, `reordering visible: ${inversions} inversions`);
    assert.equal(seg.stats.delivered, received.length);
  });

  it('drops frames over the MTU and across partitions', () => {
    const { world, seg, received, send } = wire({});
    send(1, 1500);
    send(2, 1501);
    world.partitions.partition([['a'], ['b']]);
    send(3);
    world.sim.run();
    assert.deepEqual(received, [1]);
    assert.equal(seg.stats.tooBig, 1);
    assert.equal(seg.stats.partitioned, 1);
  });
});
