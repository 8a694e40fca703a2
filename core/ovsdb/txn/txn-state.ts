// The working state of one transaction: an overlay of touched rows over the committed Database.
// Reads see the overlay first; nothing in the Database changes until the resulting ChangeSet is applied.
// Only touched rows are copied (as new immutable Row values), never whole tables.

import type { TableSchema } from '../schema/types';
import type { Random } from '../../runtime/random';
import { assert } from '../../util/assert';
import type { Database, TableStore } from './database';
import type { Row } from './row';
import { type Condition, evaluateCondition } from './condition';

export interface TxnRow {
  readonly table: TableSchema;
  readonly store: TableStore;
  readonly uuid: string;
  /** Committed row, null if inserted by this transaction. */
  readonly old: Row | null;
  /** Row after this transaction so far, null if deleted. */
  new: Row | null;
  /** Set when weak references in this row must be reassessed at commit (a referenced row was deleted). */
  weakCheck: boolean;
}

export class TxnState {
  private readonly touched = new Map<string, Map<string, TxnRow>>();
  /** Touched rows in the order first touched: the order of commit checks and of the change set. */
  readonly order: TxnRow[] = [];

  constructor(
    readonly db: Database,
    readonly random: Random,
  ) {}

  /** A fresh random (version 4) UUID from the injected Random, so runs are reproducible. */
  newUuid(): string {
    const b = this.random.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    let s = '';
    for (let i = 0; i < 16; i++) {
      s += b[i]!.toString(16).padStart(2, '0');
      if (i === 3 || i === 5 || i === 7 || i === 9) s += '-';
    }
    return s;
  }

  txnRow(table: string, uuid: string): TxnRow | undefined {
    return this.touched.get(table)?.get(uuid);
  }

  /** The row as this transaction currently sees it, or null. */
  get(table: string, uuid: string): Row | null {
    const t = this.touched.get(table)?.get(uuid);
    if (t) return t.new;
    return this.db.getRow(table, uuid) ?? null;
  }

  /** Pulls a committed row into the transaction (unchanged so far) and returns its TxnRow. */
  touch(table: TableSchema, uuid: string): TxnRow | null {
    const existing = this.txnRow(table.name, uuid);
    if (existing) return existing;
    const store = this.db.store(table);
    const row = store.rows.get(uuid);
    if (!row) return null;
    return this.add({ table, store, uuid, old: row, new: row, weakCheck: false });
  }

  private add(t: TxnRow): TxnRow {
    let m = this.touched.get(t.table.name);
    if (!m) this.touched.set(t.table.name, (m = new Map()));
    m.set(t.uuid, t);
    this.order.push(t);
    return t;
  }

  /** True if `uuid` may be used for a new row: not in the table and not deleted by this transaction. */
  mayCreate(table: TableSchema, uuid: string): boolean {
    return !this.db.store(table).rows.has(uuid) && !this.txnRow(table.name, uuid);
  }

  insert(table: TableSchema, row: Row): void {
    assert(this.mayCreate(table, row.uuid), () => `TxnState.insert: ${table.name} row ${row.uuid} exists`);
    this.add({ table, store: this.db.store(table), uuid: row.uuid, old: null, new: row, weakCheck: false });
  }

  /** Replaces the current version of an existing row. */
  modify(table: TableSchema, row: Row): void {
    const t = this.touch(table, row.uuid) ?? this.txnRow(table.name, row.uuid);
    assert(t && t.new !== null, () => `TxnState.modify: ${table.name} row ${row.uuid} does not exist`);
    t.new = row;
  }

  delete(table: TableSchema, uuid: string): void {
    const t = this.touch(table, uuid) ?? this.txnRow(table.name, uuid);
    assert(t && t.new !== null, () => `TxnState.delete: ${table.name} row ${uuid} does not exist`);
    t.new = null;
  }

  /** The rows currently matching `cond`, in a deterministic order (committed order, then inserted). */
  query(table: TableSchema, cond: Condition): Row[] {
    if (cond.uuidEquals !== null) {
      const row = this.get(table.name, cond.uuidEquals);
      return row && evaluateCondition(row, cond) ? [row] : [];
    }
    const out: Row[] = [];
    const overlay = this.touched.get(table.name);
    for (const [uuid, committed] of this.db.store(table).rows) {
      const row = overlay?.has(uuid) ? overlay.get(uuid)!.new : committed;
      if (row && evaluateCondition(row, cond)) out.push(row);
    }
    if (overlay) {
      for (const t of overlay.values()) if (t.old === null && t.new && evaluateCondition(t.new, cond)) out.push(t.new);
    }
    return out;
  }

  /** Number of rows in `table` after this transaction. */
  rowCount(table: TableSchema): number {
    let n = this.db.store(table).rows.size;
    for (const t of this.touched.get(table.name)?.values() ?? []) {
      if (t.old === null && t.new !== null) n++;
      else if (t.old !== null && t.new === null) n--;
    }
    return n;
  }

  touchedTables(): Set<TableSchema> {
    return new Set(this.order.map((t) => t.table));
  }
}
