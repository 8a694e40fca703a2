// Which remote to try next and how long to wait first: upstream's reconnect.c back-off with
// jsonrpc_session's rotation over several remotes (lib/jsonrpc.c jsonrpc_session_open_multiple).
//
// - Remotes are shuffled once (Random) when there are several, as ovsdb_cs_set_remote does, then tried in
//   turn; each failure or disconnection moves to the next one.
// - Moving on to each other remote once is free (no delay: reconnect.c's "backoff free tries" = number of
//   remotes - 1). After that the delay starts at reconnectBackoffMinMs and doubles up to
//   reconnectBackoffMaxMs; with one remote even a healthy connection's loss waits the minimum first.
// - A connection that stayed up at least as long as the current back-off counts as healthy: the back-off
//   goes back to its minimum and the free tries are restored.
// - A connection attempt that neither succeeds nor fails gives up after max(1 s, back-off), as reconnect.c.

import type { Random } from '../../runtime/random';
import { parseActiveAddress } from '../../runtime/address';
import { assert } from '../../util/assert';

/** reconnect.c RECONNECT_DEFAULT_MIN_BACKOFF. */
export const reconnectBackoffMinMs = 1000;
/** reconnect.c RECONNECT_DEFAULT_MAX_BACKOFF. */
export const reconnectBackoffMaxMs = 8000;
/** reconnect.c's floor on the time a connection attempt may take. */
export const connectAttemptMinTimeoutMs = 1000;

export interface BackoffOptions {
  readonly minMs?: number;
  readonly maxMs?: number;
}

export class RemoteRotation {
  readonly remotes: readonly string[];
  readonly minMs: number;
  readonly maxMs: number;
  private index = 0;
  private backoffMs = 0;
  private freeTries: number;

  constructor(remotes: readonly string[], random: Random, options: BackoffOptions = {}) {
    assert(remotes.length > 0, 'IDL needs at least one remote');
    for (const r of remotes) parseActiveAddress(r); // throws AddressError naming a bad one
    this.minMs = options.minMs ?? reconnectBackoffMinMs;
    this.maxMs = options.maxMs ?? reconnectBackoffMaxMs;
    assert(this.minMs > 0 && this.maxMs >= this.minMs, () => `bad back-off bounds ${this.minMs}..${this.maxMs} ms`);
    const shuffled = remotes.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    this.remotes = shuffled;
    this.freeTries = shuffled.length - 1;
  }

  /** The remote to connect to now. */
  get current(): string {
    return this.remotes[this.index]!;
  }

  /** The back-off now in force (0 while free tries remain). */
  get currentBackoffMs(): number {
    return this.backoffMs;
  }

  /** How long a connection attempt may take before it is abandoned. */
  connectTimeoutMs(): number {
    return Math.max(connectAttemptMinTimeoutMs, this.backoffMs);
  }

  /**
   * A connection attempt failed, or a connection ended after `upMs` milliseconds (null when it never came
   * up). Moves to the next remote and returns how long to wait before trying it.
   */
  failed(upMs: number | null): number {
    if (upMs !== null && upMs >= Math.max(this.backoffMs, this.minMs)) {
      this.backoffMs = this.minMs;
      this.freeTries = this.remotes.length - 1;
    } else if (this.backoffMs < this.minMs) {
      this.backoffMs = this.minMs;
    } else {
      this.backoffMs = Math.min(this.maxMs, this.backoffMs * 2);
    }
    this.index = (this.index + 1) % this.remotes.length;
    if (this.freeTries > 0) {
      this.freeTries--;
      return 0;
    }
    return this.backoffMs;
  }

  /** Leaves the current remote on purpose (e.g. not the leader): counts as a failed try. */
  skip(): number {
    return this.failed(null);
  }
}
