// The simulator's one event queue: a binary min-heap ordered by (time, sequence). The sequence number makes
// the order total and stable, so two events due at the same virtual instant run in the order they were
// scheduled — the root of the simulator's determinism.

import { assert } from '../../core/util/assert';

/** What an event does: a function, or an object whose fire() runs it (saves a closure on hot paths). */
export type EventAction = (() => void) | { fire(): void };

export interface ScheduledEvent {
  readonly timeMs: number;
  readonly seq: number;
  readonly action: EventAction;
  cancelled: boolean;
}

export function runAction(action: EventAction): void {
  if (typeof action === 'function') action();
  else action.fire();
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private nextSeq = 0;
  private cancelledCount = 0;

  get size(): number {
    return this.heap.length - this.cancelledCount;
  }

  push(timeMs: number, action: EventAction): ScheduledEvent {
    assert(Number.isFinite(timeMs), () => `EventQueue.push: time ${timeMs} is not finite`);
    const event: ScheduledEvent = { timeMs, seq: this.nextSeq++, action, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    // Sift up.
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.timeMs < timeMs || (p.timeMs === timeMs && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
    return event;
  }

  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.cancelledCount++;
    // Lazy deletion; rebuild when dead entries dominate so memory stays bounded by live events.
    if (this.cancelledCount > 1024 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  /** The earliest live event's time, or undefined when empty. */
  peekTimeMs(): number | undefined {
    this.dropCancelledTop();
    return this.heap.length > 0 ? this.heap[0]!.timeMs : undefined;
  }

  /** Removes and returns the earliest live event. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    return this.heap.length > 0 ? this.popTop() : undefined;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) {
      this.popTop();
      this.cancelledCount--;
    }
  }

  private popTop(): ScheduledEvent {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      // Sift down.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        if (r < n) {
          const a = heap[l]!;
          const b = heap[r]!;
          if (b.timeMs < a.timeMs || (b.timeMs === a.timeMs && b.seq < a.seq)) c = r;
        }
        const child = heap[c]!;
        if (last.timeMs < child.timeMs || (last.timeMs === child.timeMs && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    live.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq); // a sorted array is a valid heap
    this.heap = live;
    this.cancelledCount = 0;
  }
}
