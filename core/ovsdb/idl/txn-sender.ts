// Sends IDL transactions and reports their outcome (see txn.ts for the operations, txn-reply.ts for the
// statuses). Success is reported only once our own update is in the replica: after the "transact" reply
// the sender issues an "echo" barrier on the same connection, and ovsdb-server flushes pending monitor
// updates before it reads the next request, so the update precedes the echo's reply. If the connection
// drops between the reply and the barrier, the success is held until the replica has resynced.
// Statuses decided locally (not in sync, not locked, unchanged) are reported on a later clock turn, never
// from inside commit().

import type { Clock } from '../../runtime/clock';
import type { JsonRpcSession } from '../jsonrpc/session';
import type { IdlTxn, TxnResult } from './txn';
import { interpretTransactReply } from './txn-reply';

/** Bound on transactions sent and not yet completed. */
export const maxInFlightTxns = 10_000;
/** Bound on successes held for the next resync. */
export const maxAwaitingSync = maxInFlightTxns;

export interface TxnSenderContext {
  readonly clock: Clock;
  readonly database: string;
  /** The connection's session while monitoring (the replica is in sync), else null. */
  syncedSession(): JsonRpcSession | null;
  /** The session now (to tell whether the one a reply came on is still current). */
  currentSession(): JsonRpcSession | null;
  /** The lock transactions must hold, and whether we hold it. */
  lock(): { readonly name: string | null; readonly held: boolean };
}

export class TxnSender {
  private inFlight = 0;
  private awaitingSync: (() => void)[] = [];

  constructor(private readonly ctx: TxnSenderContext) {}

  get inFlightCount(): number {
    return this.inFlight;
  }

  private later(done: (r: TxnResult) => void, result: TxnResult): void {
    this.ctx.clock.setTimer(0, () => done(result));
  }

  submit(txn: IdlTxn, done: (result: TxnResult) => void): void {
    const none = new Map<string, string>();
    const session = this.ctx.syncedSession();
    const lock = this.ctx.lock();
    if (!session) return this.later(done, { status: 'try-again', error: 'not connected to a server in sync', insertedUuids: none });
    if (lock.name !== null && !lock.held) return this.later(done, { status: 'not-locked', error: `lock "${lock.name}" not held`, insertedUuids: none });
    if (!txn.hasChanges()) return this.later(done, { status: 'unchanged', insertedUuids: none });
    if (this.inFlight >= maxInFlightTxns) {
      return this.later(done, { status: 'try-again', error: `more than maxInFlightTxns (${maxInFlightTxns}) transactions in flight`, insertedUuids: none });
    }
    const insertIndexes = new Map<string, number>();
    const params = txn.toOperations(this.ctx.database, lock.name, insertIndexes);
    this.inFlight++;
    session.request('transact', params, (outcome) => {
      this.inFlight--;
      const reply = interpretTransactReply(outcome, params.length - 1, insertIndexes);
      if (reply.status !== 'success') return done(reply);
      const finish = (): void => done(reply);
      if (session !== this.ctx.currentSession() || !session.isOpen) return this.holdForSync(finish);
      session.request('echo', ['idl-txn-barrier'], (barrier) => (barrier.kind === 'closed' ? this.holdForSync(finish) : finish()));
    });
  }

  private holdForSync(finish: () => void): void {
    if (this.awaitingSync.length >= maxAwaitingSync) return finish(); // bounded: report now rather than grow
    this.awaitingSync.push(finish);
  }

  /** The replica has resynced (or the IDL stopped): report the held successes. */
  releaseHeld(): void {
    for (const finish of this.awaitingSync.splice(0)) finish();
  }
}
