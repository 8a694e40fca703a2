// The difference between two values of one column, as both upstream consumers of "diffs" define it
// (ovsdb(7) update2 "modify", and "_is_diff" records of the standalone file format):
//   - a column that holds at most one value (scalars, optional values): the new value;
//   - a set: the elements in exactly one of the two sets (symmetric difference);
//   - a map: pairs whose key is in only one map (with that map's value), plus pairs whose key is in both
//     with different values (with the new value).
// Datums are canonical (keys sorted by compareAtoms), so one merge walk computes it.

import type { Atom, ColumnType } from '../schema/types';
import { compareAtoms } from '../data/atom';
import type { Datum } from '../data/datum';

export function isComposite(type: ColumnType): boolean {
  return type.max > 1;
}

export function datumDiff(old: Datum, next: Datum, type: ColumnType): Datum {
  if (!isComposite(type)) return next;
  const kt = type.key.type;
  const isMap = type.value !== null;
  const vt = type.value?.type;
  const keys: Atom[] = [];
  const values: Atom[] | null = isMap ? [] : null;
  let i = 0;
  let j = 0;
  while (i < old.keys.length || j < next.keys.length) {
    const c = i >= old.keys.length ? 1 : j >= next.keys.length ? -1 : compareAtoms(old.keys[i]!, next.keys[j]!, kt);
    if (c < 0) {
      keys.push(old.keys[i]!);
      if (values) values.push(old.values![i]!);
      i++;
    } else if (c > 0) {
      keys.push(next.keys[j]!);
      if (values) values.push(next.values![j]!);
      j++;
    } else {
      if (values && compareAtoms(old.values![i]!, next.values![j]!, vt!) !== 0) {
        keys.push(next.keys[j]!);
        values.push(next.values![j]!);
      }
      i++;
      j++;
    }
  }
  return { keys, values };
}

/** Upstream's ovsdb_datum_is_default: the value a new row gets when the column is not given. */
export function isDefaultDatum(d: Datum, type: ColumnType): boolean {
  if (type.min === 0) return d.keys.length === 0;
  if (d.keys.length !== 1) return false;
  if (!isDefaultAtom(d.keys[0]!, type.key.type)) return false;
  return type.value === null || isDefaultAtom(d.values![0]!, type.value.type);
}

function isDefaultAtom(a: Atom, t: ColumnType['key']['type']): boolean {
  switch (t) {
    case 'integer':
    case 'real':
      return a === 0;
    case 'boolean':
      return a === false;
    case 'string':
      return a === '';
    case 'uuid':
      return a === '00000000-0000-0000-0000-000000000000';
  }
}
