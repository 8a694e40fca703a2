// The production Clock (core/runtime/clock.ts) over Node: monotonic time from performance.now(), wall time
// from Date.now(), timers over setTimeout.
//
// Two Node facts shape setTimer:
// - setTimeout measures with libuv's millisecond loop clock, so it can fire a fraction of a millisecond
//   before performance.now() says the delay has passed. The Clock rule is "never early", so a timer that
//   wakes early re-arms for the remainder.
// - setTimeout treats delays above 2^31-1 ms (about 24.8 days) as 1 ms. Long delays are split into chunks.

import { performance } from 'node:perf_hooks';
import type { Clock, TimerHandle } from '../../core/runtime/clock';
import { assert } from '../../core/util/assert';

/** Largest delay setTimeout honours; longer ones are re-armed chunk by chunk. */
export const maxSetTimeoutChunkMs = 0x7fffffff;

/**
 * Bound on consecutive early wake-ups of one timer before we call it a bug. An early wake-up is at most a
 * millisecond or so short, and each re-arm waits at least 1 ms, so a handful is already generous.
 */
export const maxEarlyWakeupsPerTimer = 1000;

export interface NodeClockOptions {
  /**
   * Whether pending timers keep the Node process alive (setTimeout's default). A daemon wants true; a tool
   * that should exit once its sockets are closed may want false.
   */
  readonly timersKeepProcessAlive?: boolean;
}

export class NodeClock implements Clock {
  private readonly keepAlive: boolean;

  constructor(options: NodeClockOptions = {}) {
    this.keepAlive = options.timersKeepProcessAlive ?? true;
  }

  nowMs(): number {
    return performance.now();
  }

  wallClockMs(): number {
    return Date.now();
  }

  setTimer(delayMs: number, fire: () => void): TimerHandle {
    assert(delayMs >= 0 && Number.isFinite(delayMs), () => `NodeClock.setTimer: bad delay ${delayMs} ms`);
    const dueMs = this.nowMs() + delayMs;
    let handle: NodeJS.Timeout | null = null;
    let done = false;
    let earlyWakeups = 0;
    const arm = (waitMs: number): void => {
      handle = setTimeout(onTimeout, Math.min(Math.max(waitMs, 0), maxSetTimeoutChunkMs));
      if (!this.keepAlive) handle.unref();
    };
    const onTimeout = (): void => {
      handle = null;
      if (done) return;
      const remainingMs = dueMs - this.nowMs();
      if (remainingMs > 0) {
        earlyWakeups++;
        assert(earlyWakeups <= maxEarlyWakeupsPerTimer, () =>
          `NodeClock: timer of ${delayMs} ms woke early ${earlyWakeups} times (${remainingMs} ms still to go)`,
        );
        // Whole milliseconds, rounded up, so a sub-millisecond remainder does not spin at 1 ms steps.
        arm(Math.ceil(remainingMs));
        return;
      }
      done = true;
      fire();
    };
    arm(Math.ceil(delayMs));
    return {
      cancel: (): void => {
        done = true;
        if (handle !== null) clearTimeout(handle);
        handle = null;
      },
    };
  }
}
