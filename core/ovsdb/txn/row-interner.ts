// Interning rows by content (DESIGN.md §3a): when many replicas in one process (a thousand simulated
// controllers monitoring the same Southbound rows) each build a Row from the same update, the interner
// hands all of them one shared Row object, and shares equal Datums across rows too (most rows repeat the
// same small values: empty sets, "true", a datapath reference).
//
// Rows are immutable, so sharing is safe. Ownership is explicit and deterministic: acquire() counts a
// reference, release() drops one, and the entry is forgotten when the count reaches zero (no GC-dependent
// WeakRefs in the core). Bounded by `maxEntries`: beyond it, new content is returned unshared.

import type { TableSchema } from '../schema/types';
import type { Datum } from '../data/datum';
import { emptyMap, emptySet } from '../data/datum';
import { assert } from '../../util/assert';
import { makeRow, type Row } from './row';

interface Entry {
  readonly row: Row;
  refs: number;
}

interface DatumEntry {
  readonly datum: Datum;
  refs: number;
}

export class RowInterner {
  private readonly rows = new Map<string, Entry>();
  private readonly datums = new Map<string, DatumEntry>();

  constructor(private readonly maxEntries = 10_000_000) {}

  /** Number of distinct rows currently shared. */
  get size(): number {
    return this.rows.size;
  }

  /** Number of distinct non-empty datums currently shared. */
  get datumCount(): number {
    return this.datums.size;
  }

  /** Returns the shared Row equal to `row` (same table, uuid, version and values), counting a reference. */
  acquire(table: TableSchema, row: Row): Row {
    const key = rowKey(table, row);
    const hit = this.rows.get(key);
    if (hit) {
      hit.refs++;
      return hit.row;
    }
    if (this.rows.size >= this.maxEntries) return row;
    const values = row.values.map((d) => this.acquireDatum(d));
    const shared = makeRow(row.uuid, row.version, values);
    this.rows.set(key, { row: shared, refs: 1 });
    return shared;
  }

  /** Drops one reference taken by acquire(); the row is forgotten when nobody holds it. */
  release(table: TableSchema, row: Row): void {
    const key = rowKey(table, row);
    const entry = this.rows.get(key);
    if (!entry || entry.row !== row) return; // an unshared row (interner was full)
    assert(entry.refs > 0, () => `RowInterner.release: ${table.name} row ${row.uuid} over-released`);
    if (--entry.refs > 0) return;
    this.rows.delete(key);
    for (const d of row.values) this.releaseDatum(d);
  }

  private acquireDatum(d: Datum): Datum {
    if (d.keys.length === 0) return d.values === null ? emptySet : emptyMap;
    const key = datumKey(d);
    const hit = this.datums.get(key);
    if (hit) {
      hit.refs++;
      return hit.datum;
    }
    this.datums.set(key, { datum: d, refs: 1 });
    return d;
  }

  private releaseDatum(d: Datum): void {
    if (d.keys.length === 0) return;
    const key = datumKey(d);
    const entry = this.datums.get(key);
    if (!entry) return;
    if (--entry.refs === 0) this.datums.delete(key);
  }
}

function datumKey(d: Datum): string {
  // Atoms are JS primitives; the column type decides their meaning, and equal text means equal content
  // except for numbers vs strings, which JSON distinguishes.
  return JSON.stringify(d.values === null ? [d.keys] : [d.keys, d.values]);
}

function rowKey(table: TableSchema, row: Row): string {
  return `${table.name}\u0000${row.uuid}\u0000${row.version}\u0000${row.values.map(datumKey).join('\u0000')}`;
}
