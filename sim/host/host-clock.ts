// A simulated host's Clock: virtual time seen through the host's own rate (drift) and wall-clock skew.
// hostNow = anchorHostMs + (simNow - anchorSimMs) * rate; changing the rate re-anchors, so the clock stays
// continuous and monotonic. Timers are scheduled on the simulator's queue through the host, which drops them
// when the host crashes and defers them while it is paused.

import type { Clock, TimerHandle } from '../../core/runtime/clock';
import type { Simulator } from '../kernel/simulator';
import { assert } from '../../core/util/assert';

/** The virtual wall-clock origin: 2026-01-01T00:00:00Z, fixed so traces never depend on the real date. */
export const simulatedEpochMs = 1_767_225_600_000;

/** Bound on |drift|: real oscillators are within a few hundred ppm; more would be a different fault. */
export const maxDriftPpm = 100_000;

export interface HostTimerScheduler {
  /** Schedules `fire` after `virtualDelayMs` on behalf of the host (see SimHost.scheduleGuarded). */
  scheduleGuarded(virtualDelayMs: number, fire: () => void): TimerHandle;
}

export class HostClock implements Clock {
  private anchorSimMs: number;
  private anchorHostMs: number;
  private rate: number;
  private skewMs: number;

  constructor(
    private readonly sim: Simulator,
    private readonly scheduler: HostTimerScheduler,
    driftPpm = 0,
    skewMs = 0,
  ) {
    this.anchorSimMs = sim.now;
    this.anchorHostMs = sim.now;
    this.rate = 1;
    this.skewMs = skewMs;
    this.setDriftPpm(driftPpm);
  }

  nowMs(): number {
    return this.anchorHostMs + (this.sim.now - this.anchorSimMs) * this.rate;
  }

  wallClockMs(): number {
    return simulatedEpochMs + this.nowMs() + this.skewMs;
  }

  setTimer(delayMs: number, fire: () => void): TimerHandle {
    assert(delayMs >= 0 && Number.isFinite(delayMs), () => `setTimer: bad delay ${delayMs}`);
    return this.scheduler.scheduleGuarded(delayMs / this.rate, fire);
  }

  /** Drift in parts per million: +100 means this host's clock runs 0.01% fast. */
  setDriftPpm(driftPpm: number): void {
    assert(Math.abs(driftPpm) <= maxDriftPpm, () => `drift ${driftPpm} ppm exceeds ±${maxDriftPpm}`);
    this.anchorHostMs = this.nowMs();
    this.anchorSimMs = this.sim.now;
    this.rate = 1 + driftPpm / 1e6;
  }

  /** Offset of this host's wall clock from true virtual wall time (may jump either way, like NTP steps). */
  setSkewMs(skewMs: number): void {
    this.skewMs = skewMs;
  }

  get driftPpm(): number {
    return (this.rate - 1) * 1e6;
  }
}
