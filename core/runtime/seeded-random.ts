// A seeded, forkable Random over seedrandom's Alea generator (fast, 32-bit state words, good statistics).
// Used by the simulator with the run's seed and by production with a seed drawn from crypto.
// fork(label) seeds the child from `seedPath + "/" + label`, so a child's stream depends on its name only.

import seedrandom from 'seedrandom';
import type { Random } from './random';
import { assert } from '../util/assert';

export class SeededRandom implements Random {
  private readonly prng: seedrandom.PRNG;

  constructor(readonly seedPath: string) {
    this.prng = seedrandom.alea(seedPath);
  }

  next(): number {
    return this.prng();
  }

  int(maxExclusive: number): number {
    assert(Number.isSafeInteger(maxExclusive) && maxExclusive > 0, () => `Random.int: bad bound ${maxExclusive}`);
    if (maxExclusive <= 0x100000000) return Math.floor(this.prng() * maxExclusive);
    // Above 2^32 combine two draws for enough bits (double() gives 53 bits).
    return Math.floor(this.prng.double() * maxExclusive);
  }

  intBetween(min: number, max: number): number {
    assert(min <= max, () => `Random.intBetween: min ${min} > max ${max}`);
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.prng() < p;
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = this.prng.int32() >>> 0;
      for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (word >>> (8 * j)) & 0xff;
    }
    return out;
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, 'Random.pick: empty array');
    return items[this.int(items.length)]!;
  }

  fork(label: string): Random {
    assert(label.length > 0 && !label.includes('/'), () => `Random.fork: bad label "${label}"`);
    return new SeededRandom(`${this.seedPath}/${label}`);
  }
}
