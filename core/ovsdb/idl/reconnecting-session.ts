// A JSON-RPC session that reconnects (upstream's jsonrpc_session over reconnect.c): connects to the
// current remote, hands the caller a fresh JsonRpcSession on each connection, and after a failed attempt
// or a lost connection waits as RemoteRotation says before trying the next remote. The inactivity probe
// is the JsonRpcSession's. A connection attempt that hangs is abandoned after RemoteRotation's timeout.

import type { Clock, TimerHandle } from '../../runtime/clock';
import type { Random } from '../../runtime/random';
import type { Connection, PendingConnect, Transport } from '../../runtime/transport';
import type { JsonValue } from '../../json/value';
import { JsonRpcSession } from '../jsonrpc/session';
import { type BackoffOptions, RemoteRotation } from './reconnect';

export type LinkState = 'backoff' | 'connecting' | 'connected' | 'stopped';

export interface ReconnectingSessionOptions {
  readonly remotes: readonly string[];
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: Random;
  readonly backoff?: BackoffOptions;
  readonly probeIntervalMs?: number;
}

export interface ReconnectingSessionHandlers {
  connected(session: JsonRpcSession): void;
  notification(method: string, params: JsonValue[]): void;
  /** The connection ended (not called for failed attempts, which only report a problem). */
  disconnected(reason: string): void;
  problem(message: string): void;
  /** A connection attempt failed (refused, unreachable, timed out); the next attempt follows the backoff. */
  attemptFailed?(reason: string): void;
}

export class ReconnectingSession {
  private readonly rotation: RemoteRotation;
  private stateValue: LinkState = 'backoff';
  private sessionValue: JsonRpcSession | null = null;
  private pendingConnect: PendingConnect | null = null;
  private timer: TimerHandle | null = null;
  private connectedAtMs = 0;

  constructor(
    private readonly options: ReconnectingSessionOptions,
    private readonly handlers: ReconnectingSessionHandlers,
  ) {
    this.rotation = new RemoteRotation(options.remotes, options.random, options.backoff);
    this.timer = options.clock.setTimer(0, () => this.connect());
  }

  get state(): LinkState {
    return this.stateValue;
  }

  /** The session of the current connection, or null while not connected. */
  get session(): JsonRpcSession | null {
    return this.sessionValue;
  }

  get remote(): string {
    return this.rotation.current;
  }

  /** Closes the connection (if any); the next remote is tried after the back-off. */
  forceReconnect(reason: string): void {
    this.sessionValue?.close(reason);
  }

  stop(): void {
    this.stateValue = 'stopped';
    this.timer?.cancel();
    this.timer = null;
    this.pendingConnect?.cancel();
    this.pendingConnect = null;
    this.sessionValue?.close('stopped');
  }

  private connect(): void {
    this.timer = null;
    if (this.stateValue === 'stopped') return;
    this.stateValue = 'connecting';
    const address = this.rotation.current;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      this.pendingConnect = null;
      return true;
    };
    const timeout = this.options.clock.setTimer(this.rotation.connectTimeoutMs(), () => {
      const pending = this.pendingConnect;
      if (!settle()) return;
      pending?.cancel();
      this.attemptFailed(`connection attempt to ${address} timed out`);
    });
    this.pendingConnect = this.options.transport.connect(address, {
      connected: (connection) => {
        if (!settle()) return connection.close();
        timeout.cancel();
        this.connected(connection);
      },
      failed: (error) => {
        if (!settle()) return;
        timeout.cancel();
        this.attemptFailed(`${address}: ${error.message}`);
      },
    });
  }

  private attemptFailed(reason: string): void {
    if (this.stateValue === 'stopped') return;
    this.handlers.problem(reason);
    this.schedule(this.rotation.failed(null));
    // Last: a handler may stop us (one-shot tools give up on the first failure, as upstream's do).
    this.handlers.attemptFailed?.(reason);
  }

  private schedule(delayMs: number): void {
    this.stateValue = 'backoff';
    this.timer = this.options.clock.setTimer(delayMs, () => this.connect());
  }

  private connected(connection: Connection): void {
    if (this.stateValue === 'stopped') return connection.close();
    this.connectedAtMs = this.options.clock.nowMs();
    this.stateValue = 'connected';
    const probe = this.options.probeIntervalMs === undefined ? {} : { probeIntervalMs: this.options.probeIntervalMs };
    const session = new JsonRpcSession(
      connection,
      {
        notification: (s, method, params) => void (s === this.sessionValue && this.handlers.notification(method, params)),
        closed: (s, reason) => void (s === this.sessionValue && this.lost(reason)),
      },
      { clock: this.options.clock, ...probe },
    );
    if (!session.isOpen) {
      // Closed while being set up (its close handler saw no current session): count as a failed attempt.
      this.handlers.problem(`${connection.name}: ${session.reason ?? 'closed'}`);
      return this.schedule(this.rotation.failed(0));
    }
    this.sessionValue = session;
    this.handlers.connected(session);
  }

  private lost(reason: string): void {
    this.sessionValue = null;
    const stopped = this.stateValue === 'stopped';
    this.handlers.disconnected(reason);
    if (stopped) return;
    this.schedule(this.rotation.failed(this.options.clock.nowMs() - this.connectedAtMs));
  }
}
