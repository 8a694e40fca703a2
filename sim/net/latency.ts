// Latency distributions for simulated links: a base delay, uniform jitter, and an optional heavy tail
// (exponentially distributed extra delay with some probability) for the rare slow packet.

import type { Random } from '../../core/runtime/random';
import { assert } from '../../core/util/assert';

export interface LatencyModel {
  baseMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs?: number;
  /** Probability that a message also gets an exponential extra delay of mean tailMeanMs. */
  tailProbability?: number;
  tailMeanMs?: number;
}

export const defaultLatency: LatencyModel = { baseMs: 0.1, jitterMs: 0.05 };

export function validateLatency(model: LatencyModel): LatencyModel {
  assert(model.baseMs >= 0, () => `latency base ${model.baseMs} ms is negative`);
  assert((model.jitterMs ?? 0) >= 0, () => `latency jitter ${model.jitterMs} ms is negative`);
  const p = model.tailProbability ?? 0;
  assert(p >= 0 && p <= 1, () => `latency tail probability ${p} is not in [0, 1]`);
  return model;
}

export function sampleLatencyMs(model: LatencyModel, random: Random): number {
  let ms = model.baseMs;
  if (model.jitterMs) ms += random.next() * model.jitterMs;
  if (model.tailProbability && random.chance(model.tailProbability)) {
    ms += -Math.log(1 - random.next()) * (model.tailMeanMs ?? 10 * model.baseMs);
  }
  return ms;
}
