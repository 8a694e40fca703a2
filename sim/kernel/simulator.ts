// The simulation kernel: virtual time, one event queue, the run's root Random and its trace.
// Nothing happens except by an event; events run one at a time in (time, sequence) order.

import { EventQueue, runAction, type EventAction, type ScheduledEvent } from './event-queue';
import { Trace } from './trace';
import { SeededRandom } from '../../core/runtime/seeded-random';
import type { Random } from '../../core/runtime/random';
import { assert } from '../../core/util/assert';

export interface RunLimits {
  /** Stop before any event later than this virtual time (the clock is then advanced to it). */
  untilMs?: number;
  /** Stop after this many events (a guard against runaway loops). */
  maxEvents?: number;
  /** Stop as soon as this returns true (checked after each event). */
  stopWhen?: () => boolean;
}

/** Raised when an event throws: says when, and how to replay the run. */
export class SimulationError extends Error {
  constructor(
    message: string,
    readonly seed: string,
    readonly timeMs: number,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}

export const defaultMaxEventsPerRun = 50_000_000;

export class Simulator {
  readonly random: Random;
  readonly trace = new Trace();
  private readonly queue = new EventQueue();
  private nowMs = 0;
  private eventsRun = 0;

  constructor(readonly seed: string) {
    this.random = new SeededRandom(seed);
  }

  get now(): number {
    return this.nowMs;
  }

  get eventCount(): number {
    return this.eventsRun;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Runs `run` after `delayMs` of virtual time (0 = after everything already due now). */
  schedule(delayMs: number, run: EventAction): ScheduledEvent {
    assert(delayMs >= 0 && Number.isFinite(delayMs), () => `Simulator.schedule: bad delay ${delayMs}`);
    return this.queue.push(this.nowMs + delayMs, run);
  }

  /** Runs `run` at absolute virtual time `timeMs` (not in the past). */
  scheduleAt(timeMs: number, run: EventAction): ScheduledEvent {
    assert(timeMs >= this.nowMs, () => `Simulator.scheduleAt: ${timeMs} is before now (${this.nowMs})`);
    return this.queue.push(timeMs, run);
  }

  cancel(event: ScheduledEvent): void {
    this.queue.cancel(event);
  }

  /** Records a trace line stamped with the current virtual time. */
  record(source: string, text: string): void {
    this.trace.record(this.nowMs, source, text);
  }

  /** Runs events until the queue is empty or a limit is reached. Returns the number of events run. */
  run(limits: RunLimits = {}): number {
    const untilMs = limits.untilMs ?? Infinity;
    const maxEvents = limits.maxEvents ?? defaultMaxEventsPerRun;
    const stopWhen = limits.stopWhen;
    let ran = 0;
    while (ran < maxEvents) {
      const next = this.queue.peekTimeMs();
      if (next === undefined || next > untilMs) break;
      const event = this.queue.pop()!;
      this.nowMs = event.timeMs;
      ran++;
      this.eventsRun++;
      try {
        runAction(event.action);
      } catch (err) {
        if (err instanceof SimulationError) throw err;
        const why = err instanceof Error ? err.message : String(err);
        throw new SimulationError(
          `event at ${this.nowMs.toFixed(3)} ms failed: ${why} (replay with --seed ${this.seed})`,
          this.seed,
          this.nowMs,
          err,
        );
      }
      if (stopWhen && stopWhen()) return ran;
    }
    if (untilMs !== Infinity && untilMs > this.nowMs && ran < maxEvents) this.nowMs = untilMs;
    return ran;
  }

  /** Runs for `durationMs` of virtual time from now. */
  runFor(durationMs: number): number {
    return this.run({ untilMs: this.nowMs + durationMs });
  }
}
