// OVSDB locks (RFC 7047 §4.1.8-4.1.10): per lock name, a queue of waiting sessions whose head owns it.
// "lock" joins the back; "steal" jumps to the front (the previous owner stays queued behind and is told
// "stolen"); "unlock" or a disconnect leaves the queue, and a new head is told "locked".

import { assert } from '../../util/assert';

export interface LockHolder {
  /** Sends the "locked" or "stolen" notification for `lock`. */
  notifyLock(method: 'locked' | 'stolen', lock: string): void;
}

/** Bound on distinct lock names held or awaited at once (locks are named by clients). */
export const maxLocks = 100_000;

export class LockTable<S extends LockHolder> {
  private readonly queues = new Map<string, S[]>();

  owner(lock: string): S | undefined {
    return this.queues.get(lock)?.[0];
  }

  isWaiting(session: S, lock: string): boolean {
    return this.queues.get(lock)?.includes(session) ?? false;
  }

  /** Adds `session` to the queue; returns whether it now owns the lock. */
  lock(session: S, lock: string, mode: 'wait' | 'steal'): boolean {
    let q = this.queues.get(lock);
    if (!q) {
      assert(this.queues.size < maxLocks, () => `more than maxLocks (${maxLocks}) locks`);
      this.queues.set(lock, (q = []));
    }
    assert(!q.includes(session), () => `lock ${lock}: session already queued`);
    if (mode === 'steal') {
      const victim = q[0];
      q.unshift(session);
      if (victim) victim.notifyLock('stolen', lock);
    } else {
      q.push(session);
    }
    return q[0] === session;
  }

  unlock(session: S, lock: string): void {
    const q = this.queues.get(lock);
    if (!q) return;
    const i = q.indexOf(session);
    if (i < 0) return;
    q.splice(i, 1);
    if (q.length === 0) this.queues.delete(lock);
    else if (i === 0) q[0]!.notifyLock('locked', lock);
  }

  /** Every lock `session` holds or awaits. */
  locksOf(session: S): string[] {
    return [...this.queues].filter(([, q]) => q.includes(session)).map(([name]) => name);
  }
}
