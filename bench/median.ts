// Small helpers shared by benchmark scripts (benchmarks stand beside the tests, never inside them).
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs `body` `runs` times; returns the median of what it returns (a rate) and all samples. */
export function medianOf(runs: number, body: () => number): { median: number; samples: number[] } {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(body());
  return { median: median(samples), samples };
}

export function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
