// The change set as a record of upstream's standalone database file (ovsdb/file.c), so a log writer can
// append what ovsdb-server would append and ovsdb-tool can read it:
//   {"<table>": {"<uuid>": <row> | null, ...}, ..., "_comment": "...", "_is_diff": true}
// (the writer adds "_date" from its Clock). Inserted rows carry their non-default persistent columns,
// deleted rows are null, modified rows carry their changed persistent columns as a diff: the new value for
// scalars and optional values, and for sets and maps the elements added or removed (for maps, changed
// keys with their new values). _uuid and _version are never written. A change set that changes no
// persistent column produces no record (null), like upstream.

import type { ColumnType } from '../schema/types';
import { type Datum, datumToJson } from '../data/datum';
import { compareAtoms } from '../data/atom';
import type { Json, JsonObject } from '../data/json';
import type { ChangeSet } from './change-set';
import type { Atom } from '../schema/types';

export function changeSetToLogRecord(cs: ChangeSet): JsonObject | null {
  const record: Record<string, Record<string, Json>> = {};
  let rows = 0;
  for (const ch of cs.changes) {
    let row: Json | undefined;
    if (ch.new === null) {
      row = null;
    } else if (ch.old === null) {
      const out: Record<string, Json> = {};
      for (const col of ch.table.columns) {
        const d = ch.new.values[col.index]!;
        if (!col.ephemeral && !isDefault(d, col.type)) out[col.name] = datumToJson(d, col.type);
      }
      row = out;
    } else {
      const out: Record<string, Json> = {};
      let any = false;
      for (const i of ch.changedColumns ?? []) {
        const col = ch.table.columns[i]!;
        if (col.ephemeral) continue;
        out[col.name] = datumToJson(datumDiff(ch.old.values[i]!, ch.new.values[i]!, col.type), col.type);
        any = true;
      }
      if (any) row = out;
    }
    if (row === undefined) continue;
    (record[ch.table.name] ??= {})[ch.uuid] = row;
    rows++;
  }
  if (rows === 0) return null;
  const out: Record<string, Json> = { ...record };
  if (cs.comments.length) out._comment = cs.comments.join('\n');
  out._is_diff = true;
  return out;
}

/** Upstream's ovsdb_datum_is_default: exactly `min` elements, all default atoms. */
function isDefault(d: Datum, type: ColumnType): boolean {
  if (d.keys.length !== type.min) return false;
  const def = (a: Atom, t: string): boolean =>
    t === 'uuid' ? a === '00000000-0000-0000-0000-000000000000' : t === 'string' ? a === '' : t === 'boolean' ? a === false : a === 0;
  for (let i = 0; i < d.keys.length; i++) {
    if (!def(d.keys[i]!, type.key.type)) return false;
    if (type.value !== null && !def(d.values![i]!, type.value.type)) return false;
  }
  return true;
}

/** Upstream's ovsdb_datum_diff: the new value unless the column holds more than one element. */
export function datumDiff(a: Datum, b: Datum, type: ColumnType): Datum {
  if (!(type.max > 1)) return b;
  const kt = type.key.type;
  const keys: Atom[] = [];
  const values: Atom[] | null = type.value === null ? null : [];
  let i = 0;
  let j = 0;
  const take = (d: Datum, k: number): void => {
    keys.push(d.keys[k]!);
    if (values) values.push(d.values![k]!);
  };
  while (i < a.keys.length && j < b.keys.length) {
    const c = compareAtoms(a.keys[i]!, b.keys[j]!, kt);
    if (c < 0) take(a, i++);
    else if (c > 0) take(b, j++);
    else {
      if (values && compareAtoms(a.values![i]!, b.values![j]!, type.value!.type) !== 0) take(b, j);
      i++;
      j++;
    }
  }
  while (i < a.keys.length) take(a, i++);
  while (j < b.keys.length) take(b, j++);
  return { keys, values };
}
