// The JSON of a standalone database's transaction records (every record after the schema), as OVS 3.1
// writes them (observed with ovsdb-server and `ovsdb-tool show-log -m`):
//
//   {"_date": <ms since epoch>, "_comment": "...", "_is_diff": true,
//    "<Table>": {"<row uuid>": {<column>: <datum>, ...} | null, ...}, ...}
//
// A null row deletes it. With "_is_diff": true (what ovsdb-server 3.1 writes) a row that already exists
// carries, per changed column, the new value of a scalar column or, for a set or map column, the elements
// to toggle (see replay.ts); without it (what `ovsdb-tool compact` writes, and older servers) the columns
// given replace the row's values. A new row lists its non-default columns either way.
//
// The log layer speaks only JSON: ChangeSet is the interface to the transaction engine, which decides what
// the rows contain. Members whose names begin with "_" other than the three above are kept in `extra`,
// never dropped.

import { isJsonObject, jsonExcerpt, type JsonObject, type JsonValue } from '../../json/value';

/** One row's columns, as OVSDB datum JSON (<atom>, ["set", [...]], ["map", [[k, v], ...]]). */
export type RowJson = JsonObject;

/** table name -> row UUID -> the row's new columns (full or diff, see isDiff), or null when deleted. */
export type ChangeSet = Record<string, Record<string, RowJson | null>>;

export interface TransactionRecord {
  /** "_date": wall-clock milliseconds since the epoch, or null when absent. */
  readonly dateMs: number | null;
  /** "_comment", or null. */
  readonly comment: string | null;
  /** "_is_diff": rows of existing rows hold diffs rather than replacement values. */
  readonly isDiff: boolean;
  readonly changes: ChangeSet;
  /** Other members named "_...", verbatim. */
  readonly extra: JsonObject;
}

export class TransactionRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransactionRecordError';
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tableNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Builds the record JSON (member order as upstream tends to write it: _date first, _comment last). */
export function buildTransactionRecord(record: {
  dateMs: number | null;
  comment?: string | null;
  isDiff: boolean;
  changes: ChangeSet;
  extra?: JsonObject;
}): JsonObject {
  const json: JsonObject = {};
  if (record.dateMs !== null) json['_date'] = record.dateMs;
  if (record.isDiff) json['_is_diff'] = true;
  for (const table of Object.keys(record.changes)) {
    if (!tableNamePattern.test(table)) throw new TransactionRecordError(`bad table name ${JSON.stringify(table)}`);
    const rows = record.changes[table]!;
    const out: JsonObject = {};
    for (const uuid of Object.keys(rows)) {
      if (!uuidPattern.test(uuid)) throw new TransactionRecordError(`table ${table}: bad row UUID ${JSON.stringify(uuid)}`);
      out[uuid] = rows[uuid]!;
    }
    json[table] = out;
  }
  for (const key of Object.keys(record.extra ?? {})) {
    if (!key.startsWith('_')) throw new TransactionRecordError(`extra member ${JSON.stringify(key)} must begin with "_"`);
    json[key] = record.extra![key]!;
  }
  if (record.comment !== undefined && record.comment !== null) json['_comment'] = record.comment;
  return json;
}

/** Reads a record's JSON; throws TransactionRecordError naming what is wrong. */
export function parseTransactionRecord(json: JsonValue): TransactionRecord {
  if (!isJsonObject(json)) throw new TransactionRecordError(`transaction record is not a JSON object: ${jsonExcerpt(json)}`);
  let dateMs: number | null = null;
  let comment: string | null = null;
  let isDiff = false;
  const changes: ChangeSet = {};
  const extra: JsonObject = {};
  for (const key of Object.keys(json)) {
    const value = json[key]!;
    if (key === '_date') {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new TransactionRecordError(`"_date" is not a number: ${jsonExcerpt(value)}`);
      dateMs = value;
    } else if (key === '_comment') {
      if (typeof value !== 'string') throw new TransactionRecordError(`"_comment" is not a string: ${jsonExcerpt(value)}`);
      comment = value;
    } else if (key === '_is_diff') {
      if (typeof value !== 'boolean') throw new TransactionRecordError(`"_is_diff" is not a boolean: ${jsonExcerpt(value)}`);
      isDiff = value;
    } else if (key === '__proto__') {
      throw new TransactionRecordError('member "__proto__" is not allowed in a transaction record');
    } else if (key.startsWith('_')) {
      extra[key] = value;
    } else {
      if (!tableNamePattern.test(key)) throw new TransactionRecordError(`bad table name ${JSON.stringify(key)}`);
      if (!isJsonObject(value)) throw new TransactionRecordError(`table ${key}: expected an object of rows, got ${jsonExcerpt(value)}`);
      const rows: Record<string, RowJson | null> = {};
      for (const uuid of Object.keys(value)) {
        if (!uuidPattern.test(uuid)) throw new TransactionRecordError(`table ${key}: bad row UUID ${JSON.stringify(uuid)}`);
        const row = value[uuid]!;
        if (row !== null && !isJsonObject(row)) throw new TransactionRecordError(`table ${key} row ${uuid}: expected an object or null, got ${jsonExcerpt(row)}`);
        rows[uuid] = row;
      }
      changes[key] = rows;
    }
  }
  return { dateMs, comment, isDiff, changes, extra };
}
