// The production Random: the same SeededRandom the simulator uses, seeded from the OS's entropy unless a
// seed is given. The seed is the stream's seedPath, so a production run logs it and can be replayed with
// the same draws (same seed => same jitter, same election timeouts, same UUIDs).

import { randomBytes } from 'node:crypto';
import { SeededRandom } from '../../core/runtime/seeded-random';

/** Bytes of OS entropy in a fresh seed: 128 bits, ample against accidental collisions between runs. */
export const freshSeedBytes = 16;

export class SeedError extends Error {
  constructor(seed: string, problem: string) {
    super(`bad random seed "${seed}": ${problem}`);
    this.name = 'SeedError';
  }
}

/** A fresh seed from crypto.randomBytes, as lowercase hex. */
export function freshSeed(): string {
  return randomBytes(freshSeedBytes).toString('hex');
}

/**
 * A SeededRandom seeded with `seed`, or with a fresh seed from the OS when none is given. Read the seed back
 * from `.seedPath` (and log it) so the run can be replayed.
 */
export function createNodeRandom(seed?: string): SeededRandom {
  const chosen = seed ?? freshSeed();
  if (chosen.length === 0) throw new SeedError(chosen, 'empty');
  // "/" separates fork labels in a seed path; a seed containing one would alias a forked stream.
  if (chosen.includes('/')) throw new SeedError(chosen, 'must not contain "/"');
  return new SeededRandom(chosen);
}
