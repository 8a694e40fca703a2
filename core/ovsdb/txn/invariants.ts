// A from-scratch audit of a Database: every row satisfies its column types and constraints, strong
// references resolve, weak references resolve, unique indexes hold, maxRows holds, and the incremental
// bookkeeping (index maps, strong reference counts, weak referrers) equals a recomputation.
// Used by property tests and available to the simulator's consistency checks. Cost: O(database size).

import { checkAtomConstraints } from '../data/atom';
import { OvsdbError } from '../data/error';
import type { Database } from './database';
import { indexKey, referrerKey } from './database';
import { forEachRef } from './refs';

/** Returns a description of every violated invariant (empty when the database is consistent). */
export function auditDatabase(db: Database): string[] {
  const problems: string[] = [];
  const strong = new Map<string, Map<string, number>>();
  const weak = new Map<string, Map<string, Set<string>>>();
  for (const table of db.schema.tables.values()) {
    strong.set(table.name, new Map());
    weak.set(table.name, new Map());
  }
  for (const table of db.schema.tables.values()) {
    const store = db.store(table);
    if (store.rows.size > table.maxRows) problems.push(`${table.name}: ${store.rows.size} rows > maxRows ${table.maxRows}`);
    const seen = table.indexes.map(() => new Map<string, string>());
    for (const [uuid, row] of store.rows) {
      if (row.uuid !== uuid) problems.push(`${table.name}: row keyed ${uuid} has uuid ${row.uuid}`);
      if (row.values.length !== table.columns.length) problems.push(`${table.name} ${uuid}: ${row.values.length} values`);
      for (const col of table.columns) {
        const d = row.values[col.index]!;
        const where = `${table.name} ${uuid} column ${col.name}`;
        if (d.keys.length < col.type.min || d.keys.length > col.type.max) problems.push(`${where}: ${d.keys.length} elements`);
        if ((d.values === null) !== (col.type.value === null)) problems.push(`${where}: set/map shape`);
        try {
          for (const k of d.keys) checkAtomConstraints(k, col.type.key);
          if (col.type.value !== null) for (const v of d.values ?? []) checkAtomConstraints(v, col.type.value);
        } catch (e) {
          if (!(e instanceof OvsdbError)) throw e;
          problems.push(`${where}: ${e.message}`);
        }
      }
      for (const col of table.refColumns) {
        forEachRef(col, row.values[col.index]!, (refTable, target, base) => {
          if (!db.getRow(refTable, target)) {
            problems.push(`${table.name} ${uuid} column ${col.name}: ${base.refType} reference to missing ${refTable} ${target}`);
            return;
          }
          if (base.refType === 'strong') {
            if (refTable === table.name && target === uuid) return;
            const m = strong.get(refTable)!;
            m.set(target, (m.get(target) ?? 0) + 1);
          } else {
            const m = weak.get(refTable)!;
            let s = m.get(target);
            if (!s) m.set(target, (s = new Set()));
            s.add(referrerKey(table.name, uuid));
          }
        });
      }
      table.indexes.forEach((cols, i) => {
        const key = indexKey(row, cols);
        const other = seen[i]!.get(key);
        if (other !== undefined) problems.push(`${table.name}: rows ${other} and ${uuid} share index ${i} values`);
        seen[i]!.set(key, uuid);
        if (store.indexes[i]!.get(key) !== uuid) problems.push(`${table.name}: index ${i} does not map ${uuid}`);
      });
    }
    table.indexes.forEach((_, i) => {
      if (store.indexes[i]!.size !== store.rows.size) {
        problems.push(`${table.name}: index ${i} has ${store.indexes[i]!.size} entries for ${store.rows.size} rows`);
      }
    });
  }
  for (const table of db.schema.tables.values()) {
    const store = db.store(table);
    const expected = strong.get(table.name)!;
    for (const [uuid, n] of expected) {
      if (store.strongRefCount(uuid) !== n) problems.push(`${table.name} ${uuid}: ${store.strongRefCount(uuid)} strong refs recorded, ${n} real`);
    }
    for (const [uuid, n] of store.strongRefs) {
      if (!expected.has(uuid)) problems.push(`${table.name} ${uuid}: ${n} strong refs recorded, none real`);
    }
    if (!table.isRoot) {
      for (const uuid of store.rows.keys()) {
        if (!expected.has(uuid)) problems.push(`${table.name} ${uuid}: unreferenced row in non-root table`);
      }
    }
    const expectedWeak = weak.get(table.name)!;
    for (const [uuid, referrers] of expectedWeak) {
      const recorded = store.weakReferrers.get(uuid);
      for (const r of referrers) if (!recorded?.has(r)) problems.push(`${table.name} ${uuid}: weak referrer ${r} not recorded`);
    }
  }
  return problems;
}
