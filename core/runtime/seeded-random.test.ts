import { strict as assert } from 'node:assert';
import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('replays the same stream from the same seed', () => {
    const a = new SeededRandom('7');
    const b = new SeededRandom('7');
    const drawsA = Array.from({ length: 20 }, () => a.next());
    const drawsB = Array.from({ length: 20 }, () => b.next());
    assert.deepEqual(drawsA, drawsB);
    assert.notDeepEqual(drawsA, Array.from({ length: 20 }, () => new SeededRandom('8').next()));
  });

  it('forks by label independently of how much the parent has drawn', () => {
    const a = new SeededRandom('1');
    const b = new SeededRandom('1');
    for (let i = 0; i < 100; i++) b.next();
    assert.equal(a.fork('host-1').next(), b.fork('host-1').next());
    assert.notEqual(a.fork('host-1').next(), a.fork('host-2').next());
    assert.equal(a.fork('x').fork('y').seedPath, '1/x/y');
  });

  it('keeps int, intBetween and bytes within range', () => {
    const r = new SeededRandom('range');
    for (let i = 0; i < 1000; i++) {
      const v = r.int(10);
      assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
      const w = r.intBetween(-3, 3);
      assert.ok(w >= -3 && w <= 3);
    }
    assert.equal(r.bytes(7).length, 7);
    assert.throws(() => r.int(0), /bad bound/);
    assert.throws(() => r.pick([]), /empty/);
  });
});
