// The Clock a core component is handed: the only source of time and timers in core/.
//
// Rules (relied on by every component):
// - nowMs() is monotonic: it never goes backwards on one host, even under simulated drift.
// - A timer fires at most once, never before its delay has passed on this clock, and never after cancel().
// - Callbacks run one at a time (there is no concurrency inside a component); a callback may set or cancel
//   timers, including other timers due at the same instant.
// - Core code never awaits promises: in the simulator a microtask would only run when the whole event loop
//   yields, which breaks determinism and ordering. Everything asynchronous is a callback.

export interface TimerHandle {
  /** Cancels the timer; harmless when it has already fired or been cancelled. */
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin (fractions allowed). */
  nowMs(): number;
  /**
   * Milliseconds since the Unix epoch as this host believes it (may be skewed in the simulator).
   * Only for timestamps written into data (e.g. OVSDB log `_date`), never for measuring intervals.
   */
  wallClockMs(): number;
  /** Runs `fire` once after `delayMs` (≥ 0) milliseconds of this clock. */
  setTimer(delayMs: number, fire: () => void): TimerHandle;
}
