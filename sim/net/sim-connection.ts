// One end of a simulated stream connection. Segments (data, FIN, RST) travel to the peer through the
// StreamNetwork, which keeps them in order, holds them while a partition cuts the path, and drops work of
// crashed incarnations. Callbacks to the program always run as events of the endpoint's own host.

import type { CloseReason, Connection, ConnectionHandler } from '../../core/runtime/transport';
import type { SimHost } from '../host/sim-host';
import { assert } from '../../core/util/assert';

export type Segment = { kind: 'data'; bytes: Uint8Array; pieces?: Uint8Array[] } | { kind: 'fin' } | { kind: 'rst'; detail: string };

/** A segment on its way, numbered per direction so the receiver restores the sending order. */
export interface InFlight {
  readonly seq: number;
  readonly segment: Segment;
}

/** What an endpoint needs from the network (kept narrow so the two files stay independent). */
export interface SegmentCarrier {
  transmit(from: SimConnection, segment: Segment): void;
  endpointClosed(endpoint: SimConnection): void;
}

/** Bound on bytes buffered before the program sets a handler (a program that never reads is a bug). */
export const maxPreHandlerBufferBytes = 256 * 1024 * 1024;

export class SimConnection implements Connection {
  peer!: SimConnection;
  /** Arrival time of the last segment this end sent, to keep the stream ordered. */
  lastArrivalMs = 0;
  /** Segments towards the peer waiting for a partition to heal (any order: the receiver reorders). */
  held: InFlight[] = [];
  /** Sequence number of the next segment this end sends. */
  nextSendSeq = 0;
  /** Sequence number of the next segment this end delivers, and segments that arrived ahead of it. */
  private nextReceiveSeq = 0;
  private early = new Map<number, Segment>();
  /** Set while a partition cuts this connection (either direction); shared meaning on both ends. */
  blockedSinceMs: number | null = null;
  private handler: ConnectionHandler | null = null;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private pendingClose: { reason: CloseReason; detail?: string } | null = null;
  private open = true;
  private closeReported = false;

  constructor(
    private readonly carrier: SegmentCarrier,
    readonly host: SimHost,
    readonly incarnation: number,
    readonly name: string,
    readonly remoteAddress: string,
  ) {}

  get isOpen(): boolean {
    return this.open;
  }

  /** Whether the program that owns this end still exists. */
  get alive(): boolean {
    return this.incarnation === this.host.incarnation && this.host.state !== 'down';
  }

  send(bytes: Uint8Array): void {
    if (!this.open) return;
    this.carrier.transmit(this, { kind: 'data', bytes: bytes.slice() });
  }

  bufferedBytes(): number {
    let n = 0;
    for (const h of this.held) if (h.segment.kind === 'data') n += h.segment.bytes.length;
    return n;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.carrier.transmit(this, { kind: 'fin' });
    this.reportClosed('local-close');
  }

  setHandler(handler: ConnectionHandler): void {
    this.handler = handler;
    if (this.pending.length === 0 && this.pendingClose === null) return;
    // Flush what arrived before the handler, as a separate event (never synchronously from setHandler).
    this.host.scheduleGuarded(0, () => this.flushPending());
  }

  /**
   * A numbered segment arrived from the peer (called by the network inside this host's guarded event).
   * Segments are handed on strictly in sending order, like TCP reassembly.
   */
  arrive(item: InFlight): void {
    if (item.seq !== this.nextReceiveSeq) {
      if (item.seq > this.nextReceiveSeq) this.early.set(item.seq, item.segment);
      return;
    }
    this.nextReceiveSeq++;
    this.receive(item.segment);
    for (let next = this.early.get(this.nextReceiveSeq); next !== undefined; next = this.early.get(this.nextReceiveSeq)) {
      this.early.delete(this.nextReceiveSeq);
      this.nextReceiveSeq++;
      this.receive(next);
    }
  }

  private receive(segment: Segment): void {
    if (this.closeReported || (!this.open && segment.kind === 'data')) return;
    switch (segment.kind) {
      case 'data':
        for (const bytes of segment.pieces ?? [segment.bytes]) {
          if (this.handler && this.pending.length === 0) {
            this.handler.data(bytes);
          } else {
            this.pendingBytes += bytes.length;
            assert(this.pendingBytes <= maxPreHandlerBufferBytes, () => `${this.name}: no handler set and too much data buffered`);
            this.pending.push(bytes);
          }
        }
        return;
      case 'fin':
        this.open = false;
        this.reportClosed('remote-close');
        return;
      case 'rst':
        this.open = false;
        this.reportClosed('reset', segment.detail);
        return;
    }
  }

  /** The connection broke under this end (partition timeout, peer gone): report a reset. */
  resetLocally(detail: string): void {
    if (this.closeReported) return;
    this.open = false;
    this.held = [];
    this.early.clear();
    this.reportClosed('reset', detail);
  }

  /** This end's host crashed: the end vanishes without callbacks. */
  vanish(): void {
    this.open = false;
    this.closeReported = true;
    this.handler = null;
    this.pending = [];
    this.carrier.endpointClosed(this);
  }

  private reportClosed(reason: CloseReason, detail?: string): void {
    if (this.closeReported) return;
    this.closeReported = true;
    this.carrier.endpointClosed(this);
    if (this.handler && this.pending.length === 0) {
      const handler = this.handler;
      this.host.scheduleGuarded(0, () => handler.closed(reason, detail));
    } else {
      this.pendingClose = detail === undefined ? { reason } : { reason, detail };
    }
  }

  private flushPending(): void {
    const handler = this.handler;
    if (!handler) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    for (const c of chunks) handler.data(c);
    const close = this.pendingClose;
    this.pendingClose = null;
    if (close) handler.closed(close.reason, close.detail);
  }
}
