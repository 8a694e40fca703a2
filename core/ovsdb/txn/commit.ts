// Commit-time checks, in upstream's order (ovsdb/transaction.c ovsdb_txn_precommit):
//   1. drop rows that did not really change;
//   2. strong references: every added reference must point to an existing row ("referential integrity
//      violation"), and a deleted row may have no remaining references;
//   3. garbage-collect rows of non-root tables left with no strong references (cascading);
//   4. maxRows per table ("constraint violation");
//   5. weak references: remove those pointing to deleted or missing rows, then check minimum sizes;
//   6. unique indexes ("constraint violation" naming both rows);
//   7. fresh _version for modified rows.
// Any error throws OvsdbError and nothing is applied: atomicity comes from never touching the Database.

import type { Atom, ColumnSchema, TableSchema } from '../schema/types';
import { type Datum, compareDatums, datumEquals, datumToString, emptyDatum, zeroUuid } from '../data/datum';
import { compareAtoms } from '../data/atom';
import { hmapOrder, ovsUuidHash } from '../data/shash-order';
import { OvsdbError, ovsdbError } from '../data/error';
import { indexKey, parseReferrerKey } from './database';
import type { TxnRow, TxnState } from './txn-state';
import { makeRow, type Row } from './row';
import type { ChangeSet, RowChange } from './change-set';
import { forEachRef, forEachRefDelta } from './refs';

export function precommit(txn: TxnState, comments: readonly string[], durable: boolean): ChangeSet {
  const changed = new Map<TxnRow, readonly number[] | null>();
  for (const t of txn.order) noteChanges(t, changed);
  // Rows present now and unchanged are dropped from upstream's transaction; rows touched later are added.
  const determined = txn.order.length;
  /**
   * The transaction's rows in the order upstream checks them (tables in first-touch order, rows in its
   * row hash table order), so that when several rows fail the same check, the error names the same row.
   */
  const upstreamOrder = (): TxnRow[] => {
    const inTxn = txn.order.filter((t, i) => i >= determined || isLive(t, changed));
    if (inTxn.length < 2) return inTxn;
    const tables = [...new Set(inTxn.map((t) => t.table))];
    return tables.flatMap((table) => hmapOrder(inTxn.filter((t) => t.table === table), (t) => ovsUuidHash(t.uuid)));
  };

  // 2. Strong references.
  const refDelta = new Map<string, Map<string, number>>();
  const pulled: Array<[TableSchema, string]> = [];
  const bump = (table: string, uuid: string, d: number): number => {
    let m = refDelta.get(table);
    if (!m) refDelta.set(table, (m = new Map()));
    const had = m.has(uuid);
    const v = (m.get(uuid) ?? 0) + d;
    m.set(uuid, v);
    if (!had) pulled.push([txn.db.schema.tables.get(table)!, uuid]);
    return v;
  };
  const finalRefs = (table: TableSchema, uuid: string): number =>
    txn.db.store(table).strongRefCount(uuid) + (refDelta.get(table.name)?.get(uuid) ?? 0);
  for (const t of upstreamOrder().filter((r) => isLive(r, changed))) {
    const cols = changed.get(t);
    for (const col of t.table.refColumns) {
      if (cols && !cols.includes(col.index)) continue;
      const before = t.old?.values[col.index] ?? emptyDatum(col.type);
      const after = t.new?.values[col.index] ?? emptyDatum(col.type);
      forEachRefDelta(col, before, after, (refTable, target, base, delta) => {
        if (base.refType !== 'strong' || (refTable === t.table.name && target === t.uuid)) return;
        if (delta > 0 && txn.get(refTable, target) === null) {
          throw ovsdbError('referential integrity violation',
            `Table ${t.table.name} column ${col.name} row ${t.uuid} references nonexistent row ${target} in table ${refTable}.`);
        }
        bump(refTable, target, delta);
      });
    }
  }
  for (const t of upstreamOrder()) {
    if (t.old !== null && t.new === null) {
      const n = finalRefs(t.table, t.uuid);
      if (n > 0) {
        throw ovsdbError('referential integrity violation',
          `cannot delete ${t.table.name} row ${t.uuid} because of ${n} remaining reference(s)`);
      }
    }
  }

  // 3. Garbage collection of unreferenced rows in non-root tables.
  const deleteGarbage = (table: TableSchema, uuid: string): void => {
    if (table.isRoot) return;
    const t = txn.touch(table, uuid);
    if (!t || t.new === null) return;
    const row = t.new;
    t.new = null;
    noteChanges(t, changed);
    for (const col of table.refColumns) {
      forEachRef(col, row.values[col.index]!, (refTable, target, base) => {
        if (base.refType !== 'strong' || (refTable === table.name && target === uuid)) return;
        if (bump(refTable, target, -1) + txn.db.table(refTable)!.strongRefCount(target) === 0) {
          deleteGarbage(txn.db.schema.tables.get(refTable)!, target);
        }
      });
    }
  };
  for (const t of [...txn.order]) {
    if (t.new !== null && !t.table.isRoot && finalRefs(t.table, t.uuid) === 0) deleteGarbage(t.table, t.uuid);
  }
  for (let i = 0; i < pulled.length; i++) {
    const [table, uuid] = pulled[i]!;
    if (!table.isRoot && txn.get(table.name, uuid) !== null && finalRefs(table, uuid) === 0) deleteGarbage(table, uuid);
  }

  // 4. maxRows.
  for (const table of txn.touchedTables()) {
    const n = txn.rowCount(table);
    if (n > table.maxRows) {
      throw ovsdbError('constraint violation',
        `transaction causes "${table.name}" table to contain ${n} rows, greater than the schema-defined limit of ${table.maxRows} row(s)`);
    }
  }

  // 5. Weak references.
  for (const t of [...txn.order]) {
    if (!(t.old !== null && t.new === null)) continue;
    for (const key of t.store.weakReferrers.get(t.uuid) ?? []) {
      const [srcTable, srcUuid] = parseReferrerKey(key);
      const src = txn.touch(txn.db.schema.tables.get(srcTable)!, srcUuid);
      if (src && src.new !== null) src.weakCheck = true;
    }
  }
  for (const t of upstreamOrder()) {
    if (t.new === null) continue;
    // Rows whose weak columns changed, and rows referring to a deleted row, are the only ones that can
    // hold dangling weak references.
    let cols: readonly number[] | null = null;
    if (!t.weakCheck) {
      const c = changed.get(t);
      if (c === undefined || (c !== null && c.length === 0)) continue;
      cols = c;
    }
    let values: Datum[] | null = null;
    for (const col of t.table.refColumns) {
      if (!isWeak(col) || (cols && !cols.includes(col.index))) continue;
      const datum = t.new.values[col.index]!;
      const { kept, removed, zero } = dropDanglingWeak(txn, col, datum);
      if (removed === 0) continue;
      values ??= t.new.values.slice();
      values[col.index] = kept;
      if (kept.keys.length < col.type.min) {
        if (zero && t.old === null) {
          throw ovsdbError('constraint violation',
            `Weak reference column "${col.name}" in "${t.table.name}" row ${t.uuid} (inserted within this transaction) contained all-zeros UUID (probably as the default value for this column) but deleting this value caused a constraint volation because this column is not allowed to be empty.`);
        }
        throw ovsdbError('constraint violation',
          `Deletion of ${removed} weak reference(s) to deleted (or never-existing) rows from column "${col.name}" in "${t.table.name}" row ${t.uuid} ${t.old === null ? '(inserted within this transaction) ' : ''}caused this column to become empty, but constraints on this column disallow an empty column.`);
      }
    }
    if (values) {
      t.new = makeRow(t.uuid, t.new.version, values);
      noteChanges(t, changed);
    }
  }

  // 6. Unique indexes.
  const pending = new Map<string, TxnRow>();
  for (const t of upstreamOrder()) {
    if (t.new === null || !isLive(t, changed)) continue;
    t.table.indexes.forEach((cols, i) => {
      const key = `${t.table.name}\u0000${i}\u0000${indexKey(t.new!, cols)}`;
      const other = pending.get(key);
      if (other) throw duplicateIndexRow(txn, cols, other, t, changed);
      const committed = t.store.indexes[i]!.get(indexKey(t.new!, cols));
      if (committed !== undefined && committed !== t.uuid) {
        const ct = txn.txnRow(t.table.name, committed);
        if (!ct || !isLive(ct, changed)) {
          const row = t.store.rows.get(committed)!;
          const fake: TxnRow = { table: t.table, store: t.store, uuid: committed, old: row, new: row, weakCheck: false };
          throw duplicateIndexRow(txn, cols, fake, t, changed);
        }
      }
      pending.set(key, t);
    });
  }

  // 7. Build the change set (fresh _version for modified rows).
  const changes: RowChange[] = [];
  let onlyEphemeral = true;
  for (const table of txn.db.schema.tables.values()) {
    for (const t of txn.order) {
      if (t.table !== table || !isLive(t, changed)) continue;
      const cols = changed.get(t) ?? null;
      let row = t.new;
      if (t.old !== null && row !== null) row = makeRow(t.uuid, txn.newUuid(), row.values);
      if (cols === null || cols.some((c) => !table.columns[c]!.ephemeral)) onlyEphemeral = false;
      changes.push({ table, uuid: t.uuid, old: t.old, new: row, changedColumns: t.old && row ? cols : null });
    }
  }
  return { baseGeneration: txn.db.generation, changes, comments, durable, onlyEphemeral };
}

function isWeak(col: ColumnSchema): boolean {
  return col.type.key.refType === 'weak' && col.type.key.refTable !== null
    || (col.type.value !== null && col.type.value.refTable !== null && col.type.value.refType === 'weak');
}

/** Records which columns of a modified row changed (an empty list marks "no change": dropped). */
function noteChanges(t: TxnRow, changed: Map<TxnRow, readonly number[] | null>): void {
  if (t.old === null || t.new === null) {
    changed.set(t, null);
    return;
  }
  const cols: number[] = [];
  for (const c of t.table.columns) {
    const a = t.old.values[c.index]!;
    const b = t.new.values[c.index]!;
    if (a !== b && !datumEquals(a, b, c.type)) cols.push(c.index);
  }
  changed.set(t, cols);
}

function isLive(t: TxnRow, changed: Map<TxnRow, readonly number[] | null>): boolean {
  if (t.old === null && t.new === null) return false;
  const cols = changed.get(t);
  return cols === undefined ? t.old === null || t.new === null : cols === null || cols.length > 0;
}

function dropDanglingWeak(txn: TxnState, col: ColumnSchema, d: Datum): { kept: Datum; removed: number; zero: boolean } {
  const { key, value } = col.type;
  const keys: Atom[] = [];
  const values: Atom[] | null = value === null ? null : [];
  let zero = false;
  const ok = (refTable: string | null, weak: boolean, atom: string): boolean => {
    if (refTable === null || !weak) return true;
    if (txn.get(refTable, atom) !== null) return true;
    if (atom === zeroUuid) zero = true;
    return false;
  };
  for (let i = 0; i < d.keys.length; i++) {
    const keep = ok(key.refTable, key.refType === 'weak', d.keys[i] as string)
      && (value === null || ok(value.refTable, value.refType === 'weak', d.values![i] as string));
    if (!keep) continue;
    keys.push(d.keys[i]!);
    if (values) values.push(d.values![i]!);
  }
  const removed = d.keys.length - keys.length;
  return { kept: removed ? { keys, values } : d, removed, zero };
}

function describeRow(t: TxnRow, cols: readonly ColumnSchema[], title: string,
  changed: Map<TxnRow, readonly number[] | null>): string {
  let s = `${title} row, with UUID ${t.uuid}, `;
  const ch = changed.get(t);
  if (t.old !== null && (ch === undefined || (ch !== null && ch.length === 0))) {
    s += 'existed in the database before this transaction and was not modified by the transaction.';
  } else if (t.old === null) {
    s += 'was inserted by this transaction.';
  } else if (cols.every((c) => datumEquals(t.old!.values[c.index]!, t.new!.values[c.index]!, c.type))) {
    s += "existed in the database before this transaction, which modified some of the row's columns but not any columns in this index.";
  } else {
    s += `had the following index values before the transaction: ${indexValues(t.old, cols)}.`;
  }
  return s;
}

function indexValues(row: { readonly values: readonly Datum[] }, cols: readonly ColumnSchema[]): string {
  return cols.map((c) => datumToString(row.values[c.index]!, c.type)).reduce((acc, s, i) =>
    acc + englishDelimiter(i, cols.length) + s, '');
}

function compareRows(table: TableSchema, a: Row, b: Row): number {
  for (const name of table.upstreamColumnOrder) {
    let c: number;
    if (name === '_uuid') c = compareAtoms(a.uuid, b.uuid, 'uuid');
    else if (name === '_version') c = compareAtoms(a.version, b.version, 'uuid');
    else {
      const col = table.columnsByName.get(name)!;
      c = compareDatums(a.values[col.index]!, b.values[col.index]!, col.type);
    }
    if (c) return c;
  }
  return 0;
}

function englishDelimiter(i: number, n: number): string {
  if (i === 0) return '';
  if (n === 2) return ' and ';
  return i === n - 1 ? ', and ' : ', ';
}

function duplicateIndexRow(txn: TxnState, cols: readonly ColumnSchema[], a: TxnRow, b: TxnRow,
  changed: Map<TxnRow, readonly number[] | null>): OvsdbError {
  void txn;
  // Upstream puts the rows in a predictable order by comparing all columns in its column iteration order
  // (_uuid and _version included) and calls the greater one "First".
  if (compareRows(a.table, a.new!, b.new!) < 0) [a, b] = [b, a];
  const names = `column${cols.length > 1 ? 's' : ''} ` + cols.map((c, i) => `${englishDelimiter(i, cols.length)}"${c.name}"`).join('');
  return ovsdbError('constraint violation',
    `Transaction causes multiple rows in "${a.table.name}" table to have identical values (${indexValues(a.new!, cols)}) for index on ${names}.  ` +
    `${describeRow(a, cols, 'First', changed)}  ${describeRow(b, cols, 'Second', changed)}`);
}
