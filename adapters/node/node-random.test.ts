import { strict as assert } from 'node:assert';
import { SeededRandom } from '../../core/runtime/seeded-random';
import { SeedError, createNodeRandom, freshSeedBytes } from './node-random';

describe('createNodeRandom', () => {
  it('replays a given seed exactly like the simulator’s SeededRandom', () => {
    const r = createNodeRandom('run-42');
    assert.equal(r.seedPath, 'run-42');
    const expected = new SeededRandom('run-42');
    for (let i = 0; i < 50; i++) assert.equal(r.next(), expected.next());
    assert.equal(r.fork('raft').seedPath, 'run-42/raft');
  });

  it('draws a fresh seed from the OS when none is given, and exposes it for replay', () => {
    const a = createNodeRandom();
    const b = createNodeRandom();
    assert.match(a.seedPath, new RegExp(`^[0-9a-f]{${freshSeedBytes * 2}}$`));
    assert.notEqual(a.seedPath, b.seedPath);
    const replay = createNodeRandom(a.seedPath);
    const draws = Array.from({ length: 10 }, () => a.int(1_000_000));
    assert.deepEqual(
      Array.from({ length: 10 }, () => replay.int(1_000_000)),
      draws,
    );
  });

  it('refuses seeds that are empty or contain "/"', () => {
    assert.throws(() => createNodeRandom(''), SeedError);
    assert.throws(() => createNodeRandom('a/b'), /must not contain "\/"/);
  });
});
