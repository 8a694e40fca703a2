import { strict as assert } from 'node:assert';
import { drawFaultSchedule } from './draw-faults';
import { applyFaultSchedule } from './fault-schedule';
import { SeededRandom } from '../../core/runtime/seeded-random';
import { SimWorld } from '../world';

describe('drawFaultSchedule', () => {
  const hosts = ['a', 'b', 'c', 'd'];

  it('is a function of the seed', () => {
    const draw = (seed: string) => drawFaultSchedule(new SeededRandom(seed), { hosts, durationMs: 10_000, episodes: 20 });
    assert.deepEqual(draw('s1'), draw('s1'));
    assert.notDeepEqual(draw('s1'), draw('s2'));
  });

  it('undoes every episode it starts, in time order, within the run', () => {
    for (let i = 0; i < 50; i++) {
      const seed = `shape-${i}`;
      const faults = drawFaultSchedule(new SeededRandom(seed), { hosts, durationMs: 10_000, episodes: 12 });
      const down = new Set<string>();
      const paused = new Set<string>();
      let cut = false;
      let last = 0;
      for (const f of faults) {
        assert.ok(f.atMs >= last && f.atMs <= 10_000, `seed ${seed}: time order`);
        last = f.atMs;
        if (f.kind === 'crash') down.add(f.host);
        if (f.kind === 'restart') assert.ok(down.delete(f.host), `seed ${seed}: restart of a host that is up`);
        if (f.kind === 'pause') paused.add(f.host);
        if (f.kind === 'resume') assert.ok(paused.delete(f.host), `seed ${seed}: resume of a running host`);
        if (f.kind === 'partition' || f.kind === 'block-one-way') cut = true;
        if (f.kind === 'heal') cut = false;
      }
      assert.deepEqual([down.size, paused.size, cut], [0, 0, false], `seed ${seed}: episodes left open`);
    }
  });

  it('applies to a world and leaves every host up at the end', () => {
    const world = new SimWorld({ seed: 'apply' });
    for (const h of hosts) world.spawn(h, () => {});
    applyFaultSchedule(world, drawFaultSchedule(new SeededRandom('apply'), { hosts, durationMs: 5_000, episodes: 10 }));
    world.sim.run();
    assert.ok(world.hosts.every((h) => h.state === 'up'));
    assert.equal(world.partitions.describe(), 'fully connected');
  });
});
