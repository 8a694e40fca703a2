// The in-memory database: committed rows per table, unique indexes, and reference bookkeeping
// (incoming strong-reference counts for referential integrity and garbage collection, and who weakly
// references whom so a deletion finds the weak references to remove). Transactions read it and produce a
// ChangeSet; apply() is the only way it changes.

import type { DatabaseSchema, TableSchema } from '../schema/types';
import type { Datum } from '../data/datum';
import { assert } from '../../util/assert';
import type { Row } from './row';
import type { ChangeSet } from './change-set';
import { diffHints, forEachRef, forEachRefDelta } from './refs';

/** The key of a row in one unique index: the index columns' datums, serialized. */
export function indexKey(row: Row, columns: readonly { readonly index: number }[]): string {
  if (columns.length === 1) return datumKey(row.values[columns[0]!.index]!);
  return columns.map((c) => datumKey(row.values[c.index]!)).join('\u0000');
}

function datumKey(d: Datum): string {
  return JSON.stringify(d.values === null ? d.keys : [d.keys, d.values]);
}

export class TableStore {
  readonly rows = new Map<string, Row>();
  /** One map per schema index: index key -> row UUID. */
  readonly indexes: Map<string, string>[];
  /** Incoming strong references per row UUID (self-references excluded); absent means 0. */
  readonly strongRefs = new Map<string, number>();
  /** Rows that weakly reference a row of this table: target UUID -> "table\0uuid" of each referrer. */
  readonly weakReferrers = new Map<string, Set<string>>();

  constructor(readonly schema: TableSchema) {
    this.indexes = schema.indexes.map(() => new Map<string, string>());
  }

  strongRefCount(uuid: string): number {
    return this.strongRefs.get(uuid) ?? 0;
  }
}

export class Database {
  private readonly stores = new Map<string, TableStore>();
  /** Number of change sets applied; a change set only applies to the generation it was computed on. */
  generation = 0;

  constructor(readonly schema: DatabaseSchema) {
    for (const t of schema.tables.values()) this.stores.set(t.name, new TableStore(t));
  }

  table(name: string): TableStore | undefined {
    return this.stores.get(name);
  }

  store(table: TableSchema): TableStore {
    const s = this.stores.get(table.name);
    assert(s !== undefined && s.schema === table, () => `Database: table ${table.name} is not from this schema`);
    return s;
  }

  getRow(table: string, uuid: string): Row | undefined {
    return this.stores.get(table)?.rows.get(uuid);
  }

  /** Applies a change set computed by a transaction on this very generation. */
  apply(cs: ChangeSet): void {
    assert(cs.baseGeneration === this.generation, () =>
      `Database.apply: change set for generation ${cs.baseGeneration}, database is at ${this.generation}`);
    // Index entries and weak referrers: remove every old entry before adding new ones, so rows that swap
    // unique values within one transaction never collide transiently.
    for (const ch of cs.changes) {
      const store = this.store(ch.table);
      if (ch.old === null) continue;
      store.schema.indexes.forEach((cols, i) => {
        const key = indexKey(ch.old!, cols);
        if (store.indexes[i]!.get(key) === ch.uuid) store.indexes[i]!.delete(key);
      });
      if (ch.new !== null && !weakRefsChanged(ch.table, ch.old, ch.new)) continue;
      for (const col of ch.table.refColumns) {
        forEachRef(col, ch.old.values[col.index]!, (refTable, target, base) => {
          if (base.refType === 'weak') this.stores.get(refTable)!.weakReferrers.get(target)?.delete(referrerKey(ch.table.name, ch.uuid));
        });
      }
    }
    // Strong reference counts: all deltas before any row disappears, so counts never dip below zero.
    for (const ch of cs.changes) {
      for (const col of ch.table.refColumns) {
        const before = ch.old?.values[col.index] ?? emptyFor(col.type.value !== null);
        const after = ch.new?.values[col.index] ?? emptyFor(col.type.value !== null);
        forEachRefDelta(col, before, after, (refTable, target, base, delta) => {
          if (base.refType !== 'strong' || (refTable === ch.table.name && target === ch.uuid)) return;
          const refs = this.stores.get(refTable)!.strongRefs;
          const n = (refs.get(target) ?? 0) + delta;
          assert(n >= 0, () => `Database.apply: negative reference count for ${refTable} row ${target}`);
          if (n === 0) refs.delete(target);
          else refs.set(target, n);
        });
        diffHints.delete(after);
      }
    }
    for (const ch of cs.changes) {
      const store = this.store(ch.table);
      if (ch.new === null) {
        assert(store.rows.delete(ch.uuid), () => `Database.apply: delete of missing ${ch.table.name} row ${ch.uuid}`);
        assert(!store.strongRefs.has(ch.uuid), () => `Database.apply: deleted ${ch.table.name} row ${ch.uuid} is still referenced`);
        store.weakReferrers.delete(ch.uuid);
        continue;
      }
      assert(ch.old !== null || !store.rows.has(ch.uuid), () => `Database.apply: duplicate ${ch.table.name} row ${ch.uuid}`);
      store.rows.set(ch.uuid, ch.new);
      store.schema.indexes.forEach((cols, i) => store.indexes[i]!.set(indexKey(ch.new!, cols), ch.uuid));
      if (ch.old !== null && !weakRefsChanged(ch.table, ch.old, ch.new)) continue;
      for (const col of ch.table.refColumns) {
        forEachRef(col, ch.new.values[col.index]!, (refTable, target, base) => {
          if (base.refType !== 'weak') return;
          const referrers = this.stores.get(refTable)!.weakReferrers;
          let set = referrers.get(target);
          if (!set) referrers.set(target, (set = new Set()));
          set.add(referrerKey(ch.table.name, ch.uuid));
        });
      }
    }
    this.generation++;
  }
}

/** Whether any weak-reference column differs (by identity: unchanged columns share their Datum). */
function weakRefsChanged(table: TableSchema, a: Row, b: Row): boolean {
  for (const col of table.refColumns) {
    const weak = col.type.key.refType === 'weak' || col.type.value?.refType === 'weak';
    if (weak && a.values[col.index] !== b.values[col.index]) return true;
  }
  return false;
}

const emptySetDatum: Datum = { keys: [], values: null };
const emptyMapDatum: Datum = { keys: [], values: [] };
function emptyFor(isMap: boolean): Datum {
  return isMap ? emptyMapDatum : emptySetDatum;
}

export function referrerKey(table: string, uuid: string): string {
  return `${table}\u0000${uuid}`;
}

export function parseReferrerKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}
