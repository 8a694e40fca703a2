// One stream connection over a net.Socket, following the Connection rules of core/runtime/transport.ts:
// - Data that arrives before setHandler() is queued (bounded: past `maxUnhandledBytes` the socket is paused,
//   so the kernel holds the rest and the peer feels back-pressure; nothing is dropped) and delivered after
//   setHandler() returns, in order, followed by `closed` if the connection ended meanwhile.
// - `closed` is delivered exactly once, after the last `data`, with the reason: 'local-close' when this side
//   called close() (delivered on a later turn, never inside close()), 'remote-close' when the peer's FIN
//   arrived, 'reset' on a socket error or an unexpected teardown.
// - close() flushes what was already sent (socket.end()), then keeps reading until the peer's FIN (data
//   read then is discarded: this side said it is done) so the kernel never answers the peer with a RST.
//   A peer that never closes is cut off after `closeLingerMs`; so is one that closed but stopped reading
//   while we still had bytes queued for it.

import type { Socket } from 'node:net';
import type { CloseReason, Connection, ConnectionHandler } from '../../core/runtime/transport';
import { assert } from '../../core/util/assert';

export interface NodeConnectionLimits {
  /** Bytes queued while no handler is set before the socket is paused (back-pressure, not loss). */
  readonly maxUnhandledBytes: number;
  /** How long a locally closed socket waits for the peer's FIN before it is destroyed. */
  readonly closeLingerMs: number;
}

type Delivery =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  | { readonly kind: 'closed'; readonly reason: CloseReason; readonly detail: string | undefined };

export class NodeConnection implements Connection {
  private handler: ConnectionHandler | null = null;
  /** Deliveries waiting for a handler or for the scheduled drain; consumed from `queueHead`. */
  private queue: Delivery[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private drainScheduled = false;
  private pausedForBacklog = false;
  /** The socket ended by itself (FIN, error or teardown); the reason is queued or delivered. */
  private ended = false;
  private locallyClosed = false;
  private closedDelivered = false;
  private lingerTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    readonly name: string,
    readonly remoteAddress: string,
    private readonly limits: NodeConnectionLimits,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.onEnded('remote-close', undefined));
    socket.on('error', (error: Error) => this.onEnded('reset', error.message));
    socket.on('close', () => {
      this.clearLinger();
      this.onEnded('reset', 'socket closed without FIN or error');
    });
  }

  get isOpen(): boolean {
    return !this.locallyClosed && !this.ended;
  }

  send(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    // Copied: the caller may reuse its array once send() returns, while Node may still hold the buffer.
    this.socket.write(Buffer.from(bytes));
  }

  bufferedBytes(): number {
    return this.socket.destroyed ? 0 : this.socket.writableLength;
  }

  close(): void {
    if (this.locallyClosed) return;
    this.locallyClosed = true;
    // Nothing more is delivered except our own 'local-close' (unless `closed` already reached the handler).
    this.queue = [];
    this.queueHead = 0;
    this.queuedBytes = 0;
    if (!this.socket.destroyed) {
      this.socket.end();
      this.socket.resume(); // read (and discard) until the peer's FIN, see the file comment
      this.startLinger();
    }
    if (!this.closedDelivered) setImmediate(() => this.deliverLocalClose());
  }

  setHandler(handler: ConnectionHandler): void {
    this.handler = handler;
    if (this.locallyClosed) {
      if (!this.closedDelivered) setImmediate(() => this.deliverLocalClose());
      return;
    }
    if (this.pendingCount() > 0) this.scheduleDrain();
  }

  private pendingCount(): number {
    return this.queue.length - this.queueHead;
  }

  private onData(chunk: Buffer): void {
    if (this.locallyClosed) return; // reading only to reach the peer's FIN
    assert(!this.ended, () => `${this.name}: data after the connection ended`);
    // A plain Uint8Array view: core code must not come to rely on Buffer methods the simulator lacks.
    const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.handler !== null && this.pendingCount() === 0) {
      this.handler.data(bytes);
      return;
    }
    this.enqueue({ kind: 'data', bytes });
    if (this.handler === null && this.queuedBytes > this.limits.maxUnhandledBytes && !this.pausedForBacklog) {
      this.pausedForBacklog = true;
      this.socket.pause();
    }
  }

  private onEnded(reason: CloseReason, detail: string | undefined): void {
    if (this.ended || this.locallyClosed) return;
    this.ended = true;
    this.clearLinger();
    // After a FIN Node ends our side too (allowHalfOpen is false) once our queued bytes are flushed; a peer
    // that stops reading could hold that flush forever, so the same linger bound applies. After an error
    // the socket is destroyed at once.
    if (reason === 'reset') this.socket.destroy();
    else this.startLinger();
    if (this.handler !== null && this.pendingCount() === 0) {
      this.closedDelivered = true;
      this.handler.closed(reason, detail);
      return;
    }
    this.enqueue({ kind: 'closed', reason, detail });
  }

  private enqueue(delivery: Delivery): void {
    this.queue.push(delivery);
    if (delivery.kind === 'data') this.queuedBytes += delivery.bytes.length;
    if (this.handler !== null) this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    // Bounded by the queue's length at entry: deliveries made from inside a handler go to a later drain.
    const queue = this.queue;
    const end = queue.length;
    while (this.queue === queue && this.queueHead < end && this.handler !== null && !this.locallyClosed) {
      const delivery = queue[this.queueHead]!;
      this.queueHead++;
      if (delivery.kind === 'data') {
        this.queuedBytes -= delivery.bytes.length;
        this.handler.data(delivery.bytes);
      } else {
        this.closedDelivered = true;
        this.handler.closed(delivery.reason, delivery.detail);
      }
    }
    if (this.queue === queue && this.queueHead === queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
    if (this.pendingCount() > 0 && this.handler !== null && !this.locallyClosed) this.scheduleDrain();
    if (this.pausedForBacklog && this.handler !== null && !this.locallyClosed) {
      this.pausedForBacklog = false;
      this.socket.resume();
    }
  }

  private deliverLocalClose(): void {
    if (this.closedDelivered || this.handler === null) return;
    this.closedDelivered = true;
    this.handler.closed('local-close', undefined);
  }

  private startLinger(): void {
    if (this.lingerTimer !== null || this.socket.destroyed) return;
    this.lingerTimer = setTimeout(() => this.socket.destroy(), this.limits.closeLingerMs);
    this.lingerTimer.unref(); // the socket itself keeps the process alive while it lingers
  }

  private clearLinger(): void {
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
  }
}
