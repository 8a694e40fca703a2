// Reference bookkeeping helpers: enumerate the UUID references a datum holds, and the references added
// and removed between two datums (sorted merge, so the cost is the size of the datums, never the table).

import type { BaseType, ColumnSchema } from '../schema/types';
import type { Datum } from '../data/datum';
import { compareAtoms } from '../data/atom';

export interface RefVisitor {
  (refTable: string, target: string, base: BaseType): void;
}

/** Calls `visit` for every reference atom (keys, then values) in `datum` of `column`. */
export function forEachRef(column: ColumnSchema, datum: Datum, visit: RefVisitor): void {
  const { key, value } = column.type;
  if (key.refTable !== null) for (const k of datum.keys) visit(key.refTable, k as string, key);
  if (value !== null && value.refTable !== null) for (const v of datum.values!) visit(value.refTable, v as string, value);
}

/**
 * Visits reference atoms present in `b` but not `a` with +1 and those in `a` but not `b` with -1.
 * For maps a pair counts as present only if both key and value match (upstream's added/removed).
 */
export function forEachRefDelta(
  column: ColumnSchema,
  a: Datum,
  b: Datum,
  visit: (refTable: string, target: string, base: BaseType, delta: 1 | -1) => void,
): void {
  if (a === b) return;
  const type = column.type;
  const hint = diffHints.get(b);
  if (hint !== undefined && hint.base === a) {
    // The mutation that built `b` from `a` recorded its delta: O(changed) instead of O(size).
    for (const [d, delta] of [[hint.removed, -1], [hint.added, 1]] as const) {
      for (let k = 0; k < d.keys.length; k++) {
        if (type.key.refTable !== null) visit(type.key.refTable, d.keys[k] as string, type.key, delta);
        if (type.value !== null && type.value.refTable !== null) visit(type.value.refTable, d.values![k] as string, type.value, delta);
      }
    }
    return;
  }
  const kt = type.key.type;
  const isMap = type.value !== null;
  let i = 0;
  let j = 0;
  const emit = (d: Datum, idx: number, delta: 1 | -1): void => {
    if (type.key.refTable !== null) visit(type.key.refTable, d.keys[idx] as string, type.key, delta);
    if (isMap && type.value!.refTable !== null) visit(type.value!.refTable, d.values![idx] as string, type.value!, delta);
  };
  while (i < a.keys.length || j < b.keys.length) {
    // Fast path: the unchanged elements of a big set are usually the very same atoms.
    if (i < a.keys.length && j < b.keys.length && a.keys[i] === b.keys[j] && (!isMap || a.values![i] === b.values![j])) {
      i++;
      j++;
      continue;
    }
    const c = i >= a.keys.length ? 1 : j >= b.keys.length ? -1 : compareAtoms(a.keys[i]!, b.keys[j]!, kt);
    if (c < 0) emit(a, i++, -1);
    else if (c > 0) emit(b, j++, 1);
    else {
      if (isMap && compareAtoms(a.values![i]!, b.values![j]!, type.value!.type) !== 0) {
        emit(a, i, -1);
        emit(b, j, 1);
      }
      i++;
      j++;
    }
  }
}

/**
 * Exact element-level difference between a datum and the datum a mutation derived from it. Mutations on big
 * sets (adding one port to a switch with thousands) record it so reference bookkeeping costs O(change).
 * A WeakMap keeps Datum objects plain and immutable; entries vanish with their datums, and
 * Database.apply drops the hint of every datum it stores so no chain of old versions stays reachable.
 */
export interface DiffHint {
  readonly base: Datum;
  readonly added: Datum;
  readonly removed: Datum;
}

export const diffHints = new WeakMap<Datum, DiffHint>();

