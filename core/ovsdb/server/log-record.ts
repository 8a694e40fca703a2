// Converts what the transaction engine produced (txn ChangeSet of RowChange) into the standalone file's
// transaction record JSON (core/ovsdb/log), the way upstream's ovsdb/file.c writes it:
//   - a new row lists its non-default columns;
//   - a deleted row is null;
//   - a modified row lists its changed columns, composite ones as diffs ("_is_diff": true);
//   - ephemeral columns are never written; a transaction that changed only those writes no record.
// And the reverse direction for opening a file: replayed row JSON back into engine rows.

import type { JsonObject, JsonValue } from '../../json/value';
import type { Json } from '../data/json';
import type { TableSchema } from '../schema/types';
import { datumFromJson, datumToJson, defaultDatum, type Datum } from '../data/datum';
import type { ChangeSet as TxnChangeSet } from '../txn/change-set';
import type { Database } from '../txn/database';
import { makeRow, type Row } from '../txn/row';
import { buildTransactionRecord, type ChangeSet as LogChangeSet, type RowJson } from '../log/transaction-record';
import { datumDiff, isDefaultDatum } from './datum-diff';

/** Our Json (readonly arrays) is structurally the log's JsonValue; only the array mutability differs. */
export function toJsonValue(json: Json): JsonValue {
  return json as unknown as JsonValue;
}

function fullRowJson(table: TableSchema, row: Row): RowJson {
  const out: RowJson = {};
  for (const c of table.columns) {
    if (c.ephemeral) continue;
    const d = row.values[c.index]!;
    if (!isDefaultDatum(d, c.type)) out[c.name] = toJsonValue(datumToJson(d, c.type));
  }
  return out;
}

/** The record for one committed change set, or null when nothing durable changed. */
export function changeSetToRecord(cs: TxnChangeSet, dateMs: number): JsonObject | null {
  const changes: LogChangeSet = {};
  let rows = 0;
  for (const ch of cs.changes) {
    let json: RowJson | null;
    if (ch.new === null) {
      json = null;
    } else if (ch.old === null) {
      json = fullRowJson(ch.table, ch.new);
    } else {
      json = {};
      for (const i of ch.changedColumns ?? []) {
        const c = ch.table.columns[i]!;
        if (c.ephemeral) continue;
        json[c.name] = toJsonValue(datumToJson(datumDiff(ch.old.values[i]!, ch.new.values[i]!, c.type), c.type));
      }
      if (Object.keys(json).length === 0) continue;
    }
    (changes[ch.table.name] ??= {})[ch.uuid] = json;
    rows++;
  }
  if (rows === 0) return null;
  const comment = cs.comments.length ? cs.comments.join('\n') : null;
  return buildTransactionRecord({ dateMs, comment, isDiff: true, changes });
}

/** The whole content as one record (what online compaction writes after the schema). */
export function snapshotRecord(db: Database, dateMs: number): JsonObject {
  const changes: LogChangeSet = {};
  for (const table of db.schema.tables.values()) {
    const store = db.table(table.name)!;
    if (store.rows.size === 0) continue;
    const rows: Record<string, RowJson> = {};
    for (const [uuid, row] of store.rows) rows[uuid] = fullRowJson(table, row);
    changes[table.name] = rows;
  }
  return buildTransactionRecord({ dateMs, comment: 'compacting database online', isDiff: true, changes });
}

/** An engine row from replayed row JSON (absent columns take their defaults). */
export function rowFromJson(table: TableSchema, uuid: string, version: string, json: RowJson): Row {
  const values: Datum[] = table.columns.map((c) => {
    const v = json[c.name];
    return v === undefined ? defaultDatum(c.type) : datumFromJson(v as Json, c.type, null);
  });
  for (const name of Object.keys(json)) {
    if (!table.columnsByName.has(name)) throw new Error(`table ${table.name} row ${uuid}: unknown column ${name}`);
  }
  return makeRow(uuid, version, values);
}
