// The Random a core component is handed: the only source of randomness in core/.
// A generator is seeded; fork(label) derives an independent stream from the seed and the label alone, so
// adding a host or component (a new label) never perturbs the draws of the others.

export interface Random {
  /** The seed path of this stream, e.g. "42/host-3/raft": printed in failures so runs can be replayed. */
  readonly seedPath: string;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive); maxExclusive must be a positive safe integer. */
  int(maxExclusive: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  intBetween(min: number, max: number): number;
  /** True with probability p (p ≤ 0 never, p ≥ 1 always). */
  chance(p: number): boolean;
  /** n uniformly random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An independent stream derived from this stream's seed path and `label` (not from its current state). */
  fork(label: string): Random;
}
