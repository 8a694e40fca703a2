// Database locks as the IDL uses them (RFC 7047 §4.1.8-4.1.10, upstream ovsdb-cs): one named lock at a time.
// - setLock(name) sends "lock" (and "unlock" for a previous name); the reply says whether we got it at once,
//   else a "locked" notification arrives when we do. "stolen" means another client took it with "steal".
// - steal() takes the lock from its owner ("steal" always succeeds).
// - After a reconnect the lock is requested again; while disconnected we do not hold it.
// Transactions sent while a lock is configured carry an "assert" of it (see txn.ts).

import type { ReplyOutcome } from '../jsonrpc/session';
import { type JsonValue, getMember, isJsonObject, jsonExcerpt } from '../../json/value';
import { isId } from '../data/atom';

export interface LockPort {
  /** Sends method [name]; false when not connected (the request will be made on reconnect). */
  send(method: 'lock' | 'steal' | 'unlock', name: string, done: (outcome: ReplyOutcome) => void): boolean;
  locked(name: string): void;
  stolen(name: string): void;
  problem(message: string): void;
}

export class IdlLock {
  private lockName: string | null = null;
  private held = false;
  private contended = false;
  /** Incremented per request so a late reply for an older lock request is ignored. */
  private requestSeq = 0;

  constructor(private readonly port: LockPort) {}

  get name(): string | null {
    return this.lockName;
  }

  get hasLock(): boolean {
    return this.held;
  }

  /** True when the server said another client holds the lock. */
  get isContended(): boolean {
    return this.contended;
  }

  /** Configures the lock to hold (null releases it). */
  setLock(name: string | null): void {
    if (name !== null && !isId(name)) throw new Error(`lock name "${name}" is not an <id> (letters, digits, _; not starting with a digit)`);
    if (name === this.lockName) return;
    if (this.lockName !== null) {
      const old = this.lockName;
      this.lockName = null;
      this.update(false);
      this.contended = false;
      this.requestSeq++;
      this.port.send('unlock', old, () => undefined);
    }
    if (name !== null) {
      this.lockName = name;
      this.request('lock');
    }
  }

  /**
   * Takes the configured lock from whoever holds it. ovsdb-server refuses "steal" while our own "lock" is
   * pending ("must issue unlock before new steal"), so an "unlock" goes first (requests are answered in order).
   */
  steal(): void {
    if (this.lockName === null) throw new Error('steal: no lock configured (call setLock first)');
    this.port.send('unlock', this.lockName, () => undefined);
    this.request('steal');
  }

  private request(method: 'lock' | 'steal'): void {
    const name = this.lockName!;
    const seq = ++this.requestSeq;
    this.update(false);
    this.port.send(method, name, (outcome) => {
      if (seq !== this.requestSeq || name !== this.lockName || outcome.kind === 'closed') return;
      if (outcome.kind === 'error') return this.port.problem(`${method} "${name}" failed: ${jsonExcerpt(outcome.error)}`);
      const locked = isJsonObject(outcome.result) && getMember(outcome.result, 'locked') === true;
      this.update(locked);
      if (!locked) this.contended = true;
    });
  }

  private update(held: boolean): void {
    const was = this.held;
    this.held = held;
    if (held && !was) {
      this.contended = false;
      this.port.locked(this.lockName!);
    }
  }

  /** A "locked" or "stolen" notification. */
  notification(method: 'locked' | 'stolen', params: JsonValue[]): void {
    const name = params[0];
    if (typeof name !== 'string' || name !== this.lockName) return;
    if (method === 'locked') return this.update(true);
    this.held = false;
    this.contended = true;
    this.port.stolen(name);
  }

  reconnected(): void {
    if (this.lockName !== null) this.request('lock');
  }

  disconnected(): void {
    this.held = false;
  }
}
