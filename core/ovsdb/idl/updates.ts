// Parsing of monitor updates (RFC 7047 §4.1.6 <table-updates>, ovsdb-server(7) <table-updates2>) into a
// flat list of row updates, and the update2 "modify" diff rule.
//
// Version 1 ("monitor"/"update"): each row update has "old" and/or "new" <row>s; "new" alone is an insert,
// "old" alone a delete, both a modify whose "new" holds the new value of every monitored column.
// Version 2/3 ("monitor_cond"/"update2", "monitor_cond_since"/"update3"): exactly one of "initial",
// "insert", "modify" (columns hold diffs, see applyDatumDiff) or "delete" (null).

import type { ColumnType, TableSchema } from '../schema/types';
import { compareAtoms } from '../data/atom';
import { type Datum, datumFromJson } from '../data/datum';
import type { Json } from '../data/json';
import { isUuidString } from '../data/atom';
import { type JsonValue, isJsonObject } from '../../json/value';

export type MonitorVersion = 1 | 2 | 3;

export type RowUpdateKind = 'insert' | 'modify' | 'diff' | 'delete';

export interface RowUpdate {
  readonly table: string;
  readonly uuid: string;
  /** 'modify' carries new column values (v1); 'diff' carries update2 differences (v2/v3). */
  readonly kind: RowUpdateKind;
  /** Column name -> JSON value (or diff); empty for deletes. */
  readonly columns: Readonly<Record<string, JsonValue>>;
}

export class UpdateFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateFormatError';
  }
}

function excerpt(v: JsonValue | undefined): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Parses <table-updates> (version 1) or <table-updates2> (versions 2 and 3). Throws UpdateFormatError. */
export function parseTableUpdates(json: JsonValue, version: MonitorVersion): RowUpdate[] {
  const suffix = version > 1 ? '2' : '';
  if (!isJsonObject(json)) throw new UpdateFormatError(`<table-updates${suffix}> is not an object: ${excerpt(json)}`);
  const out: RowUpdate[] = [];
  for (const [table, tableJson] of Object.entries(json)) {
    if (!isJsonObject(tableJson)) {
      throw new UpdateFormatError(`<table-update${suffix}> for table "${table}" is not an object: ${excerpt(tableJson)}`);
    }
    for (const [uuid, rowJson] of Object.entries(tableJson)) {
      if (!isUuidString(uuid)) {
        throw new UpdateFormatError(`<table-update${suffix}> for table "${table}" contains bad UUID "${uuid}" as member name`);
      }
      if (!isJsonObject(rowJson)) {
        throw new UpdateFormatError(`<table-update${suffix}> for table "${table}" contains <row-update${suffix}> that is not an object`);
      }
      out.push(version === 1 ? parseRowUpdate1(table, uuid.toLowerCase(), rowJson) : parseRowUpdate2(table, uuid.toLowerCase(), rowJson));
    }
  }
  return out;
}

function parseRowUpdate1(table: string, uuid: string, json: Record<string, JsonValue>): RowUpdate {
  const oldRow = json['old'];
  const newRow = json['new'];
  const members = Object.keys(json).length;
  if (oldRow !== undefined && !isJsonObject(oldRow)) throw new UpdateFormatError(`"old" <row> is not object (table ${table}, row ${uuid})`);
  if (newRow !== undefined && !isJsonObject(newRow)) throw new UpdateFormatError(`"new" <row> is not object (table ${table}, row ${uuid})`);
  if ((oldRow !== undefined ? 1 : 0) + (newRow !== undefined ? 1 : 0) !== members) {
    throw new UpdateFormatError(`<row-update> contains unexpected member (table ${table}, row ${uuid}): ${excerpt(json)}`);
  }
  if (newRow === undefined && oldRow === undefined) {
    throw new UpdateFormatError(`<row-update> missing "old" and "new" members (table ${table}, row ${uuid})`);
  }
  if (newRow === undefined) return { table, uuid, kind: 'delete', columns: {} };
  return { table, uuid, kind: oldRow === undefined ? 'insert' : 'modify', columns: newRow as Record<string, JsonValue> };
}

function parseRowUpdate2(table: string, uuid: string, json: Record<string, JsonValue>): RowUpdate {
  const names = Object.keys(json);
  if (names.length !== 1) {
    throw new UpdateFormatError(`<row-update2> has ${names.length} members instead of expected 1 (table ${table}, row ${uuid})`);
  }
  const op = names[0]!;
  const columns = json[op];
  if (op === 'delete') {
    if (columns !== null) throw new UpdateFormatError(`<row-update2> delete operation has unexpected value (table ${table}, row ${uuid})`);
    return { table, uuid, kind: 'delete', columns: {} };
  }
  if (op !== 'initial' && op !== 'insert' && op !== 'modify') {
    throw new UpdateFormatError(`<row-update2> has unknown member "${op}" (table ${table}, row ${uuid})`);
  }
  if (!isJsonObject(columns)) {
    throw new UpdateFormatError(`<row-update2> "${op}" operation has unexpected value (table ${table}, row ${uuid})`);
  }
  return { table, uuid, kind: op === 'modify' ? 'diff' : 'insert', columns };
}

/** A column's value parsed from an update (full value, constraints checked). */
export function parseColumnValue(table: TableSchema, column: string, json: JsonValue): { index: number; datum: Datum } | null {
  const c = table.columnsByName.get(column);
  if (!c) return null;
  return { index: c.index, datum: datumFromJson(json as Json, c.type, null) };
}

/**
 * Applies an update2 diff to `old` (upstream's ovsdb_datum_apply_diff): each diff key absent from `old` is
 * added; present with the same value (or a set element) is removed; present with another value gets the
 * diff's value. Columns holding at most one value (scalars and optional values: upstream's "not composite")
 * get the new value itself, as ovsdb-server sends it (observed: {"modify":{"enabled":true}} for false->true).
 */
export function applyDatumDiff(old: Datum, diffJson: JsonValue, type: ColumnType): Datum {
  if (type.max === 1) return datumFromJson(diffJson as Json, type, null);
  const transient: ColumnType = { key: type.key, value: type.value, min: 0, max: Infinity };
  const diff = datumFromJson(diffJson as Json, transient, null, false);
  const kt = type.key.type;
  const keys: (number | boolean | string)[] = [];
  const values: (number | boolean | string)[] | null = type.value ? [] : null;
  let i = 0;
  let j = 0;
  while (i < old.keys.length || j < diff.keys.length) {
    const c = i >= old.keys.length ? 1 : j >= diff.keys.length ? -1 : compareAtoms(old.keys[i]!, diff.keys[j]!, kt);
    if (c < 0) {
      keys.push(old.keys[i]!);
      if (values) values.push(old.values![i]!);
      i++;
    } else if (c > 0) {
      keys.push(diff.keys[j]!);
      if (values) values.push(diff.values![j]!);
      j++;
    } else {
      if (values && compareAtoms(old.values![i]!, diff.values![j]!, type.value!.type) !== 0) {
        keys.push(diff.keys[j]!);
        values.push(diff.values![j]!);
      }
      i++;
      j++;
    }
  }
  if (keys.length < type.min || keys.length > type.max) {
    throw new UpdateFormatError(`diff ${excerpt(diffJson)} yields ${keys.length} element(s), outside the column's ${type.min}..${type.max}`);
  }
  return { keys, values };
}
