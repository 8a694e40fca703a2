// Sharing row values between replicas (DESIGN.md §3a): in the simulator one decoded update message is handed
// to every client monitoring the same rows, so a thousand replicas applying the same insert should hold one
// row object, not a thousand. A RowInterner shared by those replicas remembers, per update JSON object, the
// row it produced: an insert's columns object -> the new row; (old row, diff object) -> the modified row.
// Keys are held weakly: nothing is kept alive once the messages and the rows are gone. Rows are immutable,
// so sharing is safe; replicas fed different JSON objects still get equal (not identical) rows.

import type { TableSchema } from '../schema/types';
import type { JsonValue } from '../../json/value';
import type { ReplicaRow } from './replica';

export class RowInterner {
  private readonly inserts = new WeakMap<object, { readonly table: TableSchema; readonly row: ReplicaRow }>();
  private readonly modifies = new WeakMap<ReplicaRow, WeakMap<object, ReplicaRow>>();
  private hitCount = 0;

  /** How many rows were reused instead of built (for tests and memory reports). */
  get hits(): number {
    return this.hitCount;
  }

  /** The row an insert of `columns` into `table` produces, built once per columns object. */
  insert(table: TableSchema, uuid: string, columns: Readonly<Record<string, JsonValue>>, build: () => ReplicaRow): ReplicaRow {
    const seen = this.inserts.get(columns);
    if (seen && seen.table === table && seen.row.uuid === uuid) {
      this.hitCount++;
      return seen.row;
    }
    const row = build();
    this.inserts.set(columns, { table, row });
    return row;
  }

  /** The row a modification of `old` by `columns` produces (`old` itself when nothing changes). */
  modify(old: ReplicaRow, columns: Readonly<Record<string, JsonValue>>, build: () => ReplicaRow): ReplicaRow {
    let byDiff = this.modifies.get(old);
    const seen = byDiff?.get(columns);
    if (seen) {
      this.hitCount++;
      return seen;
    }
    const row = build();
    if (!byDiff) {
      byDiff = new WeakMap();
      this.modifies.set(old, byDiff);
    }
    byDiff.set(columns, row);
    return row;
  }
}
