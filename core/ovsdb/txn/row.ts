// Rows: immutable values shared by the database, transactions, change sets and (later) every replica.
// A row never changes after construction; a modification makes a new Row that reuses the unchanged
// Datum objects of the old one, so a small change to a big row costs one array copy, not a deep copy.

import type { ColumnSchema, TableSchema } from '../schema/types';
import type { Datum } from '../data/datum';
import { datumToJson } from '../data/datum';
import type { Json } from '../data/json';

export interface Row {
  readonly uuid: string;
  /** The _version column: a fresh UUID each time the row changes. */
  readonly version: string;
  /** One datum per user column, in TableSchema.columns order. */
  readonly values: readonly Datum[];
}

export function makeRow(uuid: string, version: string, values: readonly Datum[]): Row {
  return { uuid, version, values };
}

/** The RFC 7047 <row> object for the given columns; null columns means every column incl. _uuid/_version. */
export function rowToJson(table: TableSchema, row: Row, columns: readonly SelectedColumn[] | null): Json {
  const out: Record<string, Json> = {};
  const cols = columns ?? allColumns(table);
  for (const c of cols) {
    if (c === '_uuid') out._uuid = ['uuid', row.uuid];
    else if (c === '_version') out._version = ['uuid', row.version];
    else out[c.name] = datumToJson(row.values[c.index]!, c.type);
  }
  return out;
}

/** A column a request may name: a user column or one of the two implicit ones. */
export type SelectedColumn = ColumnSchema | '_uuid' | '_version';

export function allColumns(table: TableSchema): SelectedColumn[] {
  return ['_uuid', '_version', ...table.columns];
}
