// A client-side replica of monitored tables, fed by update2/update3 <table-updates2> (ovsdb-server(7)
// §4.1.14): what an IDL keeps, reduced to what simulations and tests need to check that every monitoring
// client converges on the server's content (it applies the inverse of datum-diff.ts). Rows hold only non-default columns (the update2 shape), so a
// replica and a server snapshot compare as canonical JSON text.

import type { Json, JsonObject } from '../data/json';
import { isJsonObject, jsonToString } from '../data/json';
import type { ColumnType, DatabaseSchema, TableSchema } from '../schema/types';
import { datumFromJson, datumToJson, defaultDatum, type Datum } from '../data/datum';
import { compareAtoms } from '../data/atom';
import { isComposite, isDefaultDatum } from './datum-diff';
import type { Database } from '../txn/database';

type Row = Record<string, Json>;

/** Applies an update2 "modify" diff to one column value (the inverse of the server's datumDiff). */
function applyDiff(type: ColumnType, old: Datum, diff: Datum): Datum {
  if (!isComposite(type)) return diff;
  const kt = type.key.type;
  const isMap = type.value !== null;
  const entries = old.keys.map((k, i) => [k, isMap ? old.values![i]! : null] as const);
  const result = new Map<string, { k: Datum['keys'][number]; v: Datum['keys'][number] | null }>();
  const keyOf = (k: Datum['keys'][number]) => JSON.stringify(k);
  for (const [k, v] of entries) result.set(keyOf(k), { k, v });
  diff.keys.forEach((k, i) => {
    const existing = result.get(keyOf(k));
    const v = isMap ? diff.values![i]! : null;
    if (!existing) result.set(keyOf(k), { k, v });
    else if (!isMap || compareAtoms(existing.v!, v!, type.value!.type) === 0) result.delete(keyOf(k));
    else result.set(keyOf(k), { k, v });
  });
  const sorted = [...result.values()].sort((a, b) => compareAtoms(a.k, b.k, kt));
  return { keys: sorted.map((e) => e.k), values: isMap ? sorted.map((e) => e.v!) : null };
}

export class Replica {
  readonly tables = new Map<string, Map<string, Row>>();

  constructor(
    private readonly schema: DatabaseSchema,
    private readonly columns: ReadonlyMap<string, readonly string[]>,
  ) {
    this.clear();
  }

  clear(): void {
    for (const t of this.columns.keys()) this.tables.set(t, new Map());
  }

  /** Applies one <table-updates2>; throws on an update that does not fit the replica (a protocol bug). */
  apply(updates: Json): void {
    if (!isJsonObject(updates)) throw new Error('table-updates2 is not an object');
    for (const tableName of Object.keys(updates)) {
      const table = this.schema.tables.get(tableName)!;
      const rows = this.tables.get(tableName);
      if (!rows) throw new Error(`update for unmonitored table ${tableName}`);
      const tu = updates[tableName] as JsonObject;
      for (const uuid of Object.keys(tu)) this.applyRow(table, rows, uuid, tu[uuid] as JsonObject);
    }
  }

  private applyRow(table: TableSchema, rows: Map<string, Row>, uuid: string, ru: JsonObject): void {
    if ('initial' in ru || 'insert' in ru) {
      rows.set(uuid, { ...((ru.initial ?? ru.insert) as JsonObject) });
    } else if ('delete' in ru) {
      if (!rows.delete(uuid)) throw new Error(`delete of unknown ${table.name} row ${uuid}`);
    } else if ('modify' in ru) {
      const row = rows.get(uuid);
      if (!row) throw new Error(`modify of unknown ${table.name} row ${uuid}`);
      const diff = ru.modify as JsonObject;
      for (const name of Object.keys(diff)) {
        const col = table.columnsByName.get(name)!;
        const old = row[name] === undefined ? defaultDatum(col.type) : datumFromJson(row[name]!, col.type, null, false);
        const next = applyDiff(col.type, old, datumFromJson(diff[name]!, col.type, null, false));
        if (isDefaultDatum(next, col.type)) delete row[name];
        else row[name] = datumToJson(next, col.type);
      }
    } else {
      throw new Error(`bad row update for ${table.name} row ${uuid}`);
    }
  }

  /** Canonical text of the replica (sorted tables, rows and columns). */
  canonical(): string {
    const out: Record<string, Json> = {};
    for (const [t, rows] of this.tables) {
      const o: Record<string, Json> = {};
      for (const [uuid, row] of rows) o[uuid] = row;
      out[t] = o;
    }
    return jsonToString(out);
  }

  /** The same canonical text for the server's committed content. */
  static canonicalOf(db: Database, columns: ReadonlyMap<string, readonly string[]>): string {
    const out: Record<string, Json> = {};
    for (const [t, names] of columns) {
      const table = db.schema.tables.get(t)!;
      const o: Record<string, Json> = {};
      for (const [uuid, row] of db.table(t)!.rows) {
        const r: Record<string, Json> = {};
        for (const n of names) {
          const c = table.columnsByName.get(n)!;
          const d = row.values[c.index]!;
          if (!isDefaultDatum(d, c.type)) r[n] = datumToJson(d, c.type);
        }
        o[uuid] = r;
      }
      out[t] = o;
    }
    return jsonToString(out);
  }
}
