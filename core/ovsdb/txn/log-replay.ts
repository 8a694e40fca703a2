// Reading database file records back (the inverse of log-record.ts): turns one record of an upstream (or our)
// standalone database file into a ChangeSet for Database.apply, so a server can load a file written by
// ovsdb-tool or ovsdb-server. Values are parsed and checked against the schema (a damaged file gives a clear
// OvsdbError naming the table, row and column); _version is not stored in files, so loaded rows get fresh
// versions from the injected Random, as upstream does.

import type { Atom, ColumnType } from '../schema/types';
import type { Random } from '../../runtime/random';
import { compareAtoms, isUuidString } from '../data/atom';
import { type Datum, datumFromJson, defaultDatum } from '../data/datum';
import { type Json, isJsonObject } from '../data/json';
import { OvsdbError, ovsdbError } from '../data/error';
import type { Database } from './database';
import type { ChangeSet, RowChange } from './change-set';
import { makeRow, type Row } from './row';
import { TxnState } from './txn-state';

/** Builds the change set a file record describes, relative to the current contents of `db`. */
export function logRecordToChangeSet(db: Database, record: Json, random: Random): ChangeSet {
  if (!isJsonObject(record)) throw ovsdbError('syntax error', 'database file record must be a JSON object');
  const versions = new TxnState(db, random);
  const changes: RowChange[] = [];
  const isDiff = record._is_diff === true;
  const comments: string[] = typeof record._comment === 'string' ? [record._comment] : [];
  for (const [tableName, rowsJson] of Object.entries(record)) {
    if (tableName.startsWith('_')) continue;
    const table = db.schema.tables.get(tableName);
    if (!table) throw ovsdbError('syntax error', `database file record names unknown table ${tableName}`);
    if (!isJsonObject(rowsJson)) throw ovsdbError('syntax error', `table ${tableName} in database file record is not an object`);
    const store = db.store(table);
    for (const [uuid, rowJson] of Object.entries(rowsJson)) {
      if (!isUuidString(uuid)) throw ovsdbError('syntax error', `table ${tableName}: "${uuid}" is not a valid UUID`);
      const old = store.rows.get(uuid) ?? null;
      if (rowJson === null) {
        if (!old) throw ovsdbError('syntax error', `table ${tableName}: deletion of missing row ${uuid}`);
        changes.push({ table, uuid, old, new: null, changedColumns: null });
        continue;
      }
      if (!isJsonObject(rowJson)) throw ovsdbError('syntax error', `table ${tableName} row ${uuid} is not an object`);
      const values = old ? old.values.slice() : table.columns.map((c) => defaultDatum(c.type));
      const changed: number[] = [];
      for (const [name, valueJson] of Object.entries(rowJson)) {
        const col = table.columnsByName.get(name);
        if (!col) throw ovsdbError('syntax error', `table ${tableName} row ${uuid}: unknown column ${name}`);
        let datum: Datum;
        try {
          if (old && isDiff && col.type.max > 1) {
            datum = applyDiff(values[col.index]!, datumFromJson(valueJson, { ...col.type, min: 0, max: Infinity }, null), col.type);
          } else {
            datum = datumFromJson(valueJson, col.type, null);
          }
        } catch (e) {
          if (!(e instanceof OvsdbError)) throw e;
          throw new OvsdbError(e.tag, `table ${tableName} row ${uuid} column ${name}: ${e.details ?? ''}`, e.syntax);
        }
        values[col.index] = datum;
        changed.push(col.index);
      }
      const row: Row = makeRow(uuid, versions.newUuid(), values);
      changes.push({ table, uuid, old, new: row, changedColumns: old ? changed.sort((a, b) => a - b) : null });
    }
  }
  return { baseGeneration: db.generation, changes, comments, durable: false, onlyEphemeral: false };
}

/** Upstream's ovsdb_datum_apply_diff: elements in the diff are added, removed, or (maps) given new values. */
function applyDiff(a: Datum, diff: Datum, type: ColumnType): Datum {
  const kt = type.key.type;
  const keys: Atom[] = [];
  const values: Atom[] | null = type.value === null ? null : [];
  let i = 0;
  let j = 0;
  while (i < a.keys.length || j < diff.keys.length) {
    const c = i >= a.keys.length ? 1 : j >= diff.keys.length ? -1 : compareAtoms(a.keys[i]!, diff.keys[j]!, kt);
    if (c < 0) {
      keys.push(a.keys[i]!);
      if (values) values.push(a.values![i]!);
      i++;
    } else if (c > 0) {
      keys.push(diff.keys[j]!);
      if (values) values.push(diff.values![j]!);
      j++;
    } else {
      // Present in both: a set element or an unchanged map pair is removed; a map key with a new value is updated.
      if (values && compareAtoms(a.values![i]!, diff.values![j]!, type.value!.type) !== 0) {
        keys.push(diff.keys[j]!);
        values.push(diff.values![j]!);
      }
      i++;
      j++;
    }
  }
  const n = keys.length;
  if (n < type.min || n > type.max) {
    throw ovsdbError('constraint violation', `applying the diff leaves ${n} elements`);
  }
  return { keys, values };
}
