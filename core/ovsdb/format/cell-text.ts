// The text of one table cell (upstream lib/table.c cell_to_text): fixed text verbatim; OVSDB data as
// "string" (ovs-vsctl syntax: [a, b], {k=v}), "bare" (space-separated, strings unquoted) or "json" (sorted
// compact JSON). Data that does not parse as its column type falls back to JSON, as upstream does.

import type { JsonValue } from '../../json/value';
import type { ColumnType } from '../schema/types';
import { atomToString } from '../data/atom';
import { type Datum, datumFromJson, datumToString } from '../data/datum';
import type { Json } from '../data/json';
import { jsonToText } from './json-text';

export type CellFormat = 'string' | 'bare' | 'json';

/** A cell: fixed text, a datum's JSON with its column type (null type: print as JSON), or empty. */
export type Cell =
  | { readonly text: string }
  | { readonly json: JsonValue; readonly type: ColumnType | null }
  | null;

export function textCell(text: string): Cell {
  return { text };
}

export function jsonCell(json: JsonValue, type: ColumnType | null = null): Cell {
  return { json, type };
}

/** Upstream's ovsdb_datum_to_bare: atoms separated by spaces, maps as k=v, strings never quoted. */
export function datumToBare(datum: Datum, type: ColumnType): string {
  const bare = (atom: Datum['keys'][number], base: ColumnType['key']): string =>
    base.type === 'string' ? (atom as string) : atomToString(atom, base.type);
  const parts: string[] = [];
  for (let i = 0; i < datum.keys.length; i++) {
    let s = bare(datum.keys[i]!, type.key);
    if (type.value !== null) s += '=' + bare(datum.values![i]!, type.value);
    parts.push(s);
  }
  return parts.join(' ');
}

export function cellText(cell: Cell, format: CellFormat): string {
  if (cell === null) return '';
  if ('text' in cell) return cell.text;
  if (format === 'json' || cell.type === null) return jsonToText(cell.json, { sort: true });
  let datum: Datum;
  try {
    datum = datumFromJson(cell.json as Json, cell.type, null);
  } catch {
    return jsonToText(cell.json, { sort: true });
  }
  return format === 'string' ? datumToString(datum, cell.type) : datumToBare(datum, cell.type);
}
