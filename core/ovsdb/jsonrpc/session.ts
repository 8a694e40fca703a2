// A JSON-RPC session over one Connection (OVSDB's lib/jsonrpc.c + the inactivity probe of reconnect.c),
// pure: bytes and time come only from the Connection and Clock it is handed.
//
// - Framing: incoming bytes go through JsonStreamReader; outgoing messages are serialized upstream style.
// - Requests we send get increasing integer ids; replies and errors are matched to them by id.
// - Incoming "echo" requests are answered at once (result = params), as upstream does; replies to our own
//   probe (id "echo") are absorbed.
// - Inactivity probe: after probeIntervalMs without receiving a byte we send an echo request; if another
//   probeIntervalMs passes in silence, the session closes. One timer at a time, never reset per message.
// - Send backlog: after each send, if the Connection holds more than maxBacklogBytes unsent, the session
//   closes with that reason: one slow client never makes the server buffer without bound or stall.
// - Any framing or protocol error closes the session with a reason naming it; the stream cannot be
//   resynchronized after a framing error. Pending requests then complete with { kind: 'closed' }.
// - Handlers run one at a time; a handler may send, reply or close. Handlers must not throw.

import type { Clock, TimerHandle } from '../../runtime/clock';
import type { CloseReason, Connection } from '../../runtime/transport';
import { JsonStreamReader, defaultMaxMessageBytes } from '../../json/stream-reader';
import { formatJson } from '../../json/format';
import { jsonExcerpt, type JsonValue } from '../../json/value';
import { assert } from '../../util/assert';
import { formatJsonRpc, parseJsonRpcMessage, type JsonRpcMessage } from './message';

/** Upstream's default inactivity probe interval (reconnect.c RECONNECT_DEFAULT_PROBE_INTERVAL). */
export const defaultProbeIntervalMs = 5000;
/** Default bound on unsent bytes per connection (twice the largest message we accept). */
export const defaultMaxBacklogBytes = 2 * defaultMaxMessageBytes;
/** Default bound on our own requests awaiting a reply. */
export const defaultMaxPendingRequests = 100_000;
/** Tolerance of the probe timer: a wake-up this close to the deadline counts as on time (see probeTick). */
export const probeSlackMs = 1;
/** The id upstream (and we) use for inactivity-probe echo requests. */
export const probeEchoId = 'echo';

export interface JsonRpcSessionOptions {
  readonly clock: Clock;
  /** 0 disables the inactivity probe. */
  readonly probeIntervalMs?: number;
  readonly maxMessageBytes?: number;
  readonly maxBacklogBytes?: number;
  readonly maxPendingRequests?: number;
}

export interface IncomingRequest {
  readonly method: string;
  readonly params: JsonValue[];
  readonly id: JsonValue;
}

export interface JsonRpcHandlers {
  /** A request other than "echo"; answer later with session.reply / session.replyError. Default: "unknown method". */
  request?(session: JsonRpcSession, request: IncomingRequest): void;
  notification?(session: JsonRpcSession, method: string, params: JsonValue[]): void;
  /** Called once when the session ends, with a human-readable reason. */
  closed?(session: JsonRpcSession, reason: string): void;
}

export type ReplyOutcome =
  | { readonly kind: 'result'; readonly result: JsonValue }
  | { readonly kind: 'error'; readonly error: JsonValue }
  | { readonly kind: 'closed'; readonly reason: string };

const encoder = new TextEncoder();

function describeClose(reason: CloseReason, detail?: string): string {
  const text = {
    'local-close': 'connection closed locally',
    'remote-close': 'connection closed by peer',
    reset: 'connection reset',
    'host-crash': 'host crashed',
  }[reason];
  return detail ? `${text} (${detail})` : text;
}

export class JsonRpcSession {
  readonly probeIntervalMs: number;
  readonly maxBacklogBytes: number;
  readonly maxPendingRequests: number;
  private readonly reader: JsonStreamReader;
  private readonly pending = new Map<string, (outcome: ReplyOutcome) => void>();
  private nextId = 0;
  private open = true;
  private closeReason: string | null = null;
  private lastReceiveMs: number;
  /** Monotonic time the probe echo was sent, or -1 when not waiting for one. */
  private probeSentMs = -1;
  private timer: TimerHandle | null = null;

  constructor(
    readonly connection: Connection,
    private readonly handlers: JsonRpcHandlers,
    private readonly options: JsonRpcSessionOptions,
  ) {
    this.probeIntervalMs = options.probeIntervalMs ?? defaultProbeIntervalMs;
    this.maxBacklogBytes = options.maxBacklogBytes ?? defaultMaxBacklogBytes;
    this.maxPendingRequests = options.maxPendingRequests ?? defaultMaxPendingRequests;
    assert(this.probeIntervalMs >= 0, () => `bad probeIntervalMs ${this.probeIntervalMs}`);
    this.reader = new JsonStreamReader(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes });
    this.lastReceiveMs = options.clock.nowMs();
    connection.setHandler({
      data: (bytes) => this.receive(bytes),
      closed: (reason, detail) => {
        const partial = this.reader.finish();
        this.finish(describeClose(reason, detail) + (partial ? `; ${partial.message}` : ''));
      },
    });
    if (this.open) this.armProbe(this.probeIntervalMs);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Why the session ended, or null while open. */
  get reason(): string | null {
    return this.closeReason;
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Sends a request; `done` is called exactly once with the reply, the error, or the session's end. */
  request(method: string, params: JsonValue[], done: (outcome: ReplyOutcome) => void): JsonValue {
    const id = this.nextId++;
    if (!this.open) {
      done({ kind: 'closed', reason: this.closeReason ?? 'closed' });
      return id;
    }
    assert(this.pending.size < this.maxPendingRequests, () => `${this.connection.name}: more than maxPendingRequests (${this.maxPendingRequests}) awaiting replies`);
    const bytes = encodeMessage({ kind: 'request', method, params, id }); // throws before anything is registered
    this.pending.set(String(id), done);
    this.write(bytes); // a close here (backlog) completes `done` with the reason
    return id;
  }

  notify(method: string, params: JsonValue[]): void {
    this.send({ kind: 'notification', method, params });
  }

  reply(id: JsonValue, result: JsonValue): void {
    this.send({ kind: 'reply', id, result });
  }

  replyError(id: JsonValue, error: JsonValue): void {
    this.send({ kind: 'error', id, error });
  }

  /** Sends a message (ignored once closed, like Connection.send). Throws JsonFormatError for unrepresentable values. */
  send(message: JsonRpcMessage): void {
    if (!this.open) return;
    this.write(encodeMessage(message));
  }

  private write(bytes: Uint8Array): void {
    this.connection.send(bytes);
    const backlog = this.connection.bufferedBytes();
    if (backlog > this.maxBacklogBytes) {
      this.close(`send backlog of ${backlog} bytes exceeds maxBacklogBytes (${this.maxBacklogBytes})`);
    }
  }

  close(reason = 'closed locally'): void {
    if (!this.open) return;
    this.connection.close();
    this.finish(reason);
  }

  private finish(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.closeReason = reason;
    this.timer?.cancel();
    this.timer = null;
    if (this.connection.isOpen) this.connection.close();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const done of waiting) done({ kind: 'closed', reason });
    this.handlers.closed?.(this, reason);
  }

  private receive(bytes: Uint8Array): void {
    if (!this.open) return;
    this.lastReceiveMs = this.options.clock.nowMs();
    this.probeSentMs = -1;
    const batch = this.reader.push(bytes);
    for (const value of batch.values) {
      if (!this.open) return;
      const parsed = parseJsonRpcMessage(value);
      if (!parsed.ok) return this.close(`received bad JSON-RPC message: ${parsed.error}`);
      this.dispatch(parsed.message);
    }
    if (batch.error && this.open) this.close(`error parsing stream: ${batch.error.message}`);
  }

  private dispatch(message: JsonRpcMessage): void {
    switch (message.kind) {
      case 'request':
        if (message.method === 'echo') return this.reply(message.id, message.params);
        if (this.handlers.request) return this.handlers.request(this, message);
        return this.replyError(message.id, 'unknown method');
      case 'notification':
        this.handlers.notification?.(this, message.method, message.params);
        return;
      case 'reply':
      case 'error': {
        if (message.kind === 'reply' && message.id === probeEchoId) return; // answer to our probe
        const key = typeof message.id === 'number' ? String(message.id) : null;
        const done = key === null ? undefined : this.pending.get(key);
        if (!done) {
          const what = message.kind === 'reply' ? 'reply' : `error ${jsonExcerpt(message.error)}`;
          return this.close(`received ${what} for unknown request id ${formatJsonOrNull(message.id)}`);
        }
        this.pending.delete(key!);
        done(message.kind === 'reply' ? { kind: 'result', result: message.result } : { kind: 'error', error: message.error });
        return;
      }
    }
  }

  private armProbe(delayMs: number): void {
    if (this.probeIntervalMs === 0) return;
    this.timer = this.options.clock.setTimer(delayMs, () => this.probeTick());
  }

  private probeTick(): void {
    this.timer = null;
    if (!this.open) return;
    const now = this.options.clock.nowMs();
    // Within probeSlackMs counts as elapsed: clocks with fractional milliseconds (simulated drift) may wake
    // a hair early, and re-arming for a remainder that rounds to nothing would spin at one instant.
    if (this.probeSentMs >= 0) {
      const waited = now - this.probeSentMs;
      if (waited >= this.probeIntervalMs - probeSlackMs) {
        return this.close(`no response to inactivity probe after ${waited / 1000} seconds, disconnecting`);
      }
      return this.armProbe(this.probeIntervalMs - waited);
    }
    const idle = now - this.lastReceiveMs;
    if (idle < this.probeIntervalMs - probeSlackMs) return this.armProbe(this.probeIntervalMs - idle);
    this.probeSentMs = now;
    this.send({ kind: 'request', method: 'echo', params: [], id: probeEchoId });
    if (this.open) this.armProbe(this.probeIntervalMs);
  }
}

function encodeMessage(message: JsonRpcMessage): Uint8Array {
  return encoder.encode(formatJsonRpc(message));
}

function formatJsonOrNull(value: JsonValue): string {
  try {
    return formatJson(value);
  } catch {
    return jsonExcerpt(value);
  }
}
