// Conditional monitoring state per table, sequenced as upstream's ovsdb-cs does (lib/ovsdb-cs.c):
//   new: set by the client, not yet sent;  req: sent in a monitor_cond_change, not yet acked;
//   ack: acked by the server (what the replica's contents are known to match).
// Only one monitor_cond_change is in flight at a time; a newer condition waits for the previous ack. The
// condition sequence number increments on each ack, and setCondition() returns the value at which the
// replica will match the condition just set, so a caller relies on a condition only once it was acked.
//
// On reconnect (sync()): with a last-txn-id for monitor_cond_since, the monitor request must carry the
// acked conditions (rows unchanged since that id that match only a newer condition would otherwise never
// be sent), and anything newer is re-sent as a monitor_cond_change afterwards. Without a last-txn-id the
// replica is rebuilt from scratch, so the latest conditions can go in the monitor request directly.

import { type JsonValue, jsonEqual } from '../../json/value';
import { assert } from '../../util/assert';

export type ConditionJson = readonly JsonValue[];

const alwaysTrue: ConditionJson = Object.freeze([true]);

function classify(c: ConditionJson | null): 'true' | 'false' | 'other' {
  if (c === null) return 'true';
  if (c.length === 0) return 'false';
  if (c.length === 1 && (c[0] === true || c[0] === false)) return c[0] ? 'true' : 'false';
  return 'other';
}

export function conditionsEqual(a: ConditionJson | null, b: ConditionJson | null): boolean {
  const k = classify(a);
  return k === classify(b) && (k !== 'other' || jsonEqual(a as JsonValue[], b as JsonValue[]));
}

interface TableConditions {
  ack: ConditionJson | null;
  req: ConditionJson | null;
  new: ConditionJson | null;
}

export class ConditionTracker {
  private readonly tables = new Map<string, TableConditions>();
  private changedFlag = false;
  private seq = 0;
  /** Highest seqno set() has promised. */
  private promised = 0;
  /** Conditions went straight into the next monitor request (sync without a last-txn-id). */
  private absorbed = false;

  /** Number of monitor_cond_change replies received (upstream's cond_seqno). */
  get seqno(): number {
    return this.seq;
  }

  /** Whether a condition change is waiting to be sent. */
  get changed(): boolean {
    return this.changedFlag;
  }

  private table(name: string): TableConditions {
    let t = this.tables.get(name);
    if (!t) {
      t = { ack: null, req: null, new: alwaysTrue };
      this.tables.set(name, t);
    }
    return t;
  }

  /** Sets a table's condition; returns the seqno at which the replica will match it. */
  set(table: string, condition: ConditionJson): number {
    const t = this.table(table);
    const current = t.new ?? t.req ?? t.ack;
    if (!conditionsEqual(condition, current)) {
      t.new = classify(condition) === 'true' ? alwaysTrue : classify(condition) === 'false' ? [false] : condition.slice();
      this.changedFlag = true;
    }
    let expected: number;
    if (t.new) {
      const anyReq = [...this.tables.values()].some((x) => x.req !== null);
      expected = this.seq + (anyReq ? 1 : 0) + 1;
    } else {
      expected = this.seq + (t.req ? 1 : 0);
    }
    this.promised = Math.max(this.promised, expected);
    return expected;
  }

  /**
   * The monitor reply arrived. Conditions that went into its request are acked by it: the seqno jumps to
   * every value promised so far, so a caller waiting for its set() value is released.
   */
  monitorAcked(): void {
    if (!this.absorbed) return;
    this.absorbed = false;
    this.seq = Math.max(this.seq + 1, this.promised);
  }

  /** The condition a table will have once every pending change is acked (null = never set: all rows). */
  latest(table: string): ConditionJson | null {
    const t = this.tables.get(table);
    return t ? (t.new ?? t.req ?? t.ack) : null;
  }

  /** Acked conditions, for the "where" of a monitor request. */
  acked(): Map<string, ConditionJson> {
    const out = new Map<string, ConditionJson>();
    for (const [name, t] of this.tables) if (t.ack) out.set(name, t.ack);
    return out;
  }

  /** Whether a monitor_cond_change may be sent now (something new and nothing in flight). */
  canSend(): boolean {
    return this.changedFlag && ![...this.tables.values()].some((t) => t.req !== null);
  }

  /** Moves new -> req and returns the monitor_cond_change requests, or null when there is nothing to send. */
  takeChangeRequests(): Record<string, JsonValue> | null {
    if (!this.canSend()) return null;
    const out: Record<string, JsonValue> = {};
    let any = false;
    for (const [name, t] of this.tables) {
      if (!t.new) continue;
      assert(t.req === null, () => `condition for ${name} requested twice`);
      out[name] = [{ where: t.new.slice() }];
      t.req = t.new;
      t.new = null;
      any = true;
    }
    this.changedFlag = false;
    return any ? out : null;
  }

  /** The server acked the in-flight monitor_cond_change. */
  ack(): void {
    for (const t of this.tables.values()) {
      if (t.req) {
        t.ack = t.req;
        t.req = null;
      }
    }
    this.seq++;
  }

  /** Called when the connection restarts; `hasLastId` says whether monitor_cond_since will resume. */
  sync(hasLastId: boolean): void {
    if (!hasLastId) {
      this.changedFlag = false;
      for (const t of this.tables.values()) {
        if (t.new || t.req) this.absorbed = true;
        if (t.new) {
          t.req = t.new;
          t.new = null;
        }
        if (t.req) {
          t.ack = t.req;
          t.req = null;
        }
      }
      return;
    }
    for (const t of this.tables.values()) {
      if (!t.req) continue;
      if (!t.new) t.new = t.req;
      t.req = null;
      this.changedFlag = true;
    }
  }
}
