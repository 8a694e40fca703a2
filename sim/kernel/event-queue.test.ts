import { strict as assert } from 'node:assert';
import { EventQueue, runAction } from './event-queue';
import { Simulator, SimulationError } from './simulator';

describe('EventQueue', () => {
  it('pops by time, then by scheduling order', () => {
    const q = new EventQueue();
    const order: string[] = [];
    q.push(5, () => order.push('c'));
    q.push(1, () => order.push('a'));
    q.push(5, () => order.push('d'));
    q.push(1, () => order.push('b'));
    for (let e = q.pop(); e; e = q.pop()) runAction(e.action);
    assert.deepEqual(order, ['a', 'b', 'c', 'd']);
  });

  it('skips cancelled events and stays correct after compaction', () => {
    const q = new EventQueue();
    const events = Array.from({ length: 5000 }, (_, i) => q.push((i * 7919) % 1000, () => {}));
    events.forEach((e, i) => i % 3 !== 0 && q.cancel(e));
    assert.equal(q.size, Math.ceil(5000 / 3));
    let last = -1;
    let n = 0;
    for (let e = q.pop(); e; e = q.pop()) {
      assert.ok(!e.cancelled);
      assert.ok(e.timeMs >= last);
      last = e.timeMs;
      n++;
    }
    assert.equal(n, Math.ceil(5000 / 3));
  });
});

describe('Simulator', () => {
  it('advances virtual time only by events and honours untilMs', () => {
    const sim = new Simulator('1');
    const seen: number[] = [];
    sim.schedule(10, () => seen.push(sim.now));
    sim.schedule(30, () => seen.push(sim.now));
    sim.run({ untilMs: 20 });
    assert.deepEqual(seen, [10]);
    assert.equal(sim.now, 20);
    sim.run();
    assert.deepEqual(seen, [10, 30]);
  });

  it('wraps an event failure with the time and the seed to replay', () => {
    const sim = new Simulator('seed-x');
    sim.schedule(3, () => {
      throw new Error('boom');
    });
    assert.throws(() => sim.run(), (e: unknown) => e instanceof SimulationError && /boom.*--seed seed-x/.test(e.message));
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator('1');
    sim.runFor(10);
    assert.throws(() => sim.scheduleAt(5, () => {}), /before now/);
  });
});
