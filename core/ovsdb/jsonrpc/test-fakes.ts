// Deterministic fakes for unit tests of pure components: a manual Clock and an in-memory Connection pair.
// Nothing happens until the test says so (advance(), flush()), which keeps the Transport rule that callbacks
// never run synchronously inside send()/close(). Pure code, so it may live beside the code it serves.

import type { Clock, TimerHandle } from '../../runtime/clock';
import type { CloseReason, Connection, ConnectionHandler } from '../../runtime/transport';
import { assert } from '../../util/assert';

/** Bound on timers fired by one advance() (a runaway timer loop fails loudly instead of spinning). */
export const maxTimersPerAdvance = 100_000;

export class ManualClock implements Clock {
  private now = 0;
  private seq = 0;
  private timers: Array<{ at: number; seq: number; fire: () => void; cancelled: boolean }> = [];

  constructor(private readonly epochMs = 1_700_000_000_000) {}

  nowMs(): number {
    return this.now;
  }

  wallClockMs(): number {
    return this.epochMs + this.now;
  }

  setTimer(delayMs: number, fire: () => void): TimerHandle {
    assert(delayMs >= 0, () => `negative timer delay ${delayMs}`);
    const timer = { at: this.now + delayMs, seq: this.seq++, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves time forward by `ms`, firing due timers in (time, creation) order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (let fired = 0; ; fired++) {
      assert(fired < maxTimersPerAdvance, 'ManualClock: too many timers in one advance');
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: (typeof this.timers)[number] | undefined;
      for (const t of this.timers) if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.now = Math.max(this.now, next.at);
      next.cancelled = true;
      next.fire();
    }
    this.now = target;
  }
}

export class FakeConnection implements Connection {
  peer!: FakeConnection;
  /** Bytes sent but not yet delivered to the peer. */
  readonly outbox: Uint8Array[] = [];
  /** Every byte ever sent, for assertions. */
  readonly sent: Uint8Array[] = [];
  private handler: ConnectionHandler | null = null;
  private early: Uint8Array[] = [];
  private closeEvent: { reason: CloseReason; detail?: string } | null = null;
  private closedDelivered = false;
  isOpen = true;

  constructor(
    readonly name: string,
    readonly remoteAddress: string,
  ) {}

  send(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    this.outbox.push(bytes);
    this.sent.push(bytes);
  }

  bufferedBytes(): number {
    return this.outbox.reduce((sum, b) => sum + b.length, 0);
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closeEvent = { reason: 'local-close' };
    if (!this.peer.closeEvent) this.peer.closeEvent = { reason: 'remote-close' };
  }

  setHandler(handler: ConnectionHandler): void {
    this.handler = handler;
  }

  /** Delivers bytes to this side as if they had arrived from the network. */
  inject(bytes: Uint8Array): void {
    if (this.handler) this.handler.data(bytes);
    else this.early.push(bytes);
  }

  /** Breaks the connection as a crash or partition would. */
  reset(detail?: string): void {
    this.isOpen = false;
    this.peer.isOpen = false;
    this.closeEvent = { reason: 'reset', ...(detail ? { detail } : {}) };
    this.peer.closeEvent = { reason: 'reset', ...(detail ? { detail } : {}) };
  }

  /**
   * Moves this side's outbox to the peer (re-chunked to `chunkBytes` when given), then delivers pending
   * close events. Returns the number of bytes moved.
   */
  flush(chunkBytes = 0): number {
    let moved = 0;
    const target = this.peer;
    if (target.handler && target.early.length > 0) for (const b of target.early.splice(0)) target.handler.data(b);
    while (this.outbox.length > 0) {
      const bytes = this.outbox.shift()!;
      moved += bytes.length;
      if (chunkBytes <= 0) target.inject(bytes);
      else for (let at = 0; at < bytes.length; at += chunkBytes) target.inject(bytes.subarray(at, at + chunkBytes));
    }
    for (const side of [this, target]) {
      if (side.closeEvent && !side.closedDelivered && side.handler) {
        side.isOpen = false;
        side.closedDelivered = true;
        side.handler.closed(side.closeEvent.reason, side.closeEvent.detail);
      }
    }
    return moved;
  }
}

/** A connected pair: bytes sent on `a` are delivered to `b` by a.flush(), and vice versa. */
export function fakeConnectionPair(): { a: FakeConnection; b: FakeConnection } {
  const a = new FakeConnection('fake:a->b', 'fake:b');
  const b = new FakeConnection('fake:b->a', 'fake:a');
  a.peer = b;
  b.peer = a;
  return { a, b };
}

/** Flushes both directions until nothing moves (bounded). */
export function settle(a: FakeConnection, chunkBytes = 0, maxRounds = 1000): void {
  for (let round = 0; round < maxRounds; round++) {
    if (a.flush(chunkBytes) + a.peer.flush(chunkBytes) === 0) return;
  }
  assert(false, 'settle: connections still busy after maxRounds');
}
