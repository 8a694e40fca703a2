import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';

describe('SimHost', () => {
  it('fires timers on the host clock and drops them when the host crashes', () => {
    const world = new SimWorld({ seed: 1 });
    const fired: string[] = [];
    const host = world.spawn('h1', (rt) => {
      rt.clock.setTimer(10, () => fired.push(`a@${rt.clock.nowMs()}`));
      rt.clock.setTimer(50, () => fired.push('b'));
      rt.clock.setTimer(20, () => fired.push('cancelled')).cancel();
    });
    world.sim.run({ untilMs: 30 });
    host.crash();
    world.sim.run();
    assert.deepEqual(fired, ['a@10']);
    assert.equal(host.state, 'down');
  });

  it('reboots the program on restart with a fresh incarnation', () => {
    const world = new SimWorld({ seed: 1 });
    const boots: number[] = [];
    const host = world.spawn('h1', (_rt, h) => boots.push(h.incarnation));
    host.crash();
    host.restart();
    assert.deepEqual(boots, [0, 1]);
  });

  it('defers timers while paused and runs them in order on resume', () => {
    const world = new SimWorld({ seed: 1 });
    const fired: Array<[string, number]> = [];
    const host = world.spawn('h1', (rt) => {
      rt.clock.setTimer(10, () => fired.push(['x', world.sim.now]));
      rt.clock.setTimer(20, () => fired.push(['y', world.sim.now]));
    });
    world.sim.schedule(5, () => host.pause());
    world.sim.schedule(100, () => host.resume());
    world.sim.run();
    assert.deepEqual(fired, [['x', 100], ['y', 100]]);
  });

  it('applies drift to timers and skew to the wall clock, staying monotonic', () => {
    const world = new SimWorld({ seed: 1 });
    let firedAtSim = -1;
    const host = world.spawn('h1', (rt) => rt.clock.setTimer(1000, () => (firedAtSim = world.sim.now)), { driftPpm: 100_000 });
    world.sim.run();
    assert.ok(Math.abs(firedAtSim - 1000 / 1.1) < 1e-6, `fired at ${firedAtSim}`);
    const before = host.clock.nowMs();
    host.clock.setDriftPpm(-50_000);
    assert.equal(host.clock.nowMs(), before);
    world.sim.runFor(100);
    assert.ok(Math.abs(host.clock.nowMs() - (before + 95)) < 1e-6);
    const wall = host.clock.wallClockMs();
    host.clock.setSkewMs(-3000);
    assert.ok(Math.abs(host.clock.wallClockMs() - (wall - 3000)) < 1e-6);
  });
});
