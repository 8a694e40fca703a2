// Datums (RFC 7047 §5.1 <value>): the value of one column in one row.
// A datum is a canonical, immutable pair of arrays: keys sorted by compareAtoms with no duplicates and, for
// maps, the values aligned with them. Scalars are one-element datums. Because datums are never mutated after
// construction (every operation returns a new one), rows built from them can be shared by any number of
// replicas and transactions (DESIGN.md §3a).

import type { Atom, BaseType, ColumnType } from '../schema/types';
import {
  type SymbolTable,
  atomFromJsonChecked,
  atomToJson,
  atomToString,
  checkAtomConstraints,
  compareAtoms,
} from './atom';
import { type Json } from './json';
import { ovsdbError, syntaxError } from './error';

export interface Datum {
  readonly keys: readonly Atom[];
  /** Null for sets and scalars; aligned with keys for maps. */
  readonly values: readonly Atom[] | null;
}

const noAtoms: readonly Atom[] = Object.freeze([]);
export const emptySet: Datum = Object.freeze({ keys: noAtoms, values: null });
export const emptyMap: Datum = Object.freeze({ keys: noAtoms, values: noAtoms });
const uint32Max = 4294967295;

export const zeroUuid = '00000000-0000-0000-0000-000000000000';

export function emptyDatum(type: ColumnType): Datum {
  return type.value === null ? emptySet : emptyMap;
}

function defaultAtom(base: BaseType): Atom {
  switch (base.type) {
    case 'integer':
    case 'real':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'uuid':
      return zeroUuid;
  }
}

/** Upstream's default value for a column: n_min default atoms (0, 0.0, false, "", all-zeros UUID). */
export function defaultDatum(type: ColumnType): Datum {
  if (type.min === 0) return emptyDatum(type);
  return {
    keys: [defaultAtom(type.key)],
    values: type.value === null ? null : [defaultAtom(type.value)],
  };
}

/** A one-atom datum (scalar or one-element set). */
export function scalarDatum(atom: Atom): Datum {
  return { keys: [atom], values: null };
}

/**
 * Builds a canonical datum from unsorted keys (and values). Duplicate keys are an error, as upstream's
 * ovsdb_datum_sort reports them ("set contains duplicate" / "map contains duplicate key").
 */
export function datumFromUnsorted(type: ColumnType, keys: Atom[], values: Atom[] | null): Datum {
  const kt = type.key.type;
  if (keys.length === 0) return values === null ? emptySet : emptyMap; // one shared empty value
  if (keys.length < 2) return { keys, values };
  const order = keys.map((_, i) => i);
  order.sort((i, j) => compareAtoms(keys[i]!, keys[j]!, kt));
  const sk = order.map((i) => keys[i]!);
  for (let i = 1; i < sk.length; i++) {
    if (compareAtoms(sk[i - 1]!, sk[i]!, kt) === 0) {
      throw ovsdbError('ovsdb error', values ? 'map contains duplicate key' : 'set contains duplicate');
    }
  }
  return { keys: sk, values: values ? order.map((i) => values[i]!) : null };
}

/**
 * Parses a datum from its RFC 7047 JSON form and checks atom constraints and the size range
 * (upstream's ovsdb_datum_from_json). `checkSize` false accepts any size (for mutator arguments
 * and condition operands, like upstream's transient datums).
 */
export function datumFromJson(
  json: Json,
  type: ColumnType,
  symtab: SymbolTable | null,
  checkSize = true,
): Datum {
  const isMap = type.value !== null;
  const isSetJson = Array.isArray(json) && json.length > 0 && json[0] === 'set';
  if (!isMap && !isSetJson) {
    return { keys: [atomFromJsonChecked(json, type.key, symtab)], values: null };
  }
  const cls = isMap ? 'map' : 'set';
  if (!(Array.isArray(json) && json.length === 2 && json[0] === cls && Array.isArray(json[1]))) {
    throw syntaxError(json, null, `expected ["${cls}", <array>]`);
  }
  const inner = json[1] as readonly Json[];
  const n = inner.length;
  if (checkSize && (n < type.min || n > type.max)) {
    if (type.min === 1 && type.max === 1) {
      throw syntaxError(json, null, `${cls} must have exactly one member but ${n} are present`);
    }
    const max = type.max === Infinity ? uint32Max : type.max;
    throw syntaxError(json, null, `${cls} must have ${type.min} to ${max} members but ${n} are present`);
  }
  const keys: Atom[] = [];
  const values: Atom[] | null = isMap ? [] : null;
  for (const element of inner) {
    if (!isMap) {
      keys.push(atomFromJsonChecked(element, type.key, symtab));
      continue;
    }
    if (!(Array.isArray(element) && element.length === 2)) {
      throw syntaxError(element, null, 'expected 2-element array');
    }
    keys.push(atomFromJsonChecked(element[0] as Json, type.key, symtab));
    values!.push(atomFromJsonChecked(element[1] as Json, type.value!, symtab));
  }
  return datumFromUnsorted(type, keys, values);
}

/** RFC 7047 JSON form: scalars bare, sets of one bare, other sets ["set", [...]], maps ["map", [[k, v]...]]. */
export function datumToJson(datum: Datum, type: ColumnType): Json {
  const kt = type.key.type;
  if (type.value !== null) {
    const vt = type.value.type;
    const pairs: Json[] = [];
    for (let i = 0; i < datum.keys.length; i++) {
      pairs.push([atomToJson(datum.keys[i]!, kt), atomToJson(datum.values![i]!, vt)]);
    }
    return ['map', pairs];
  }
  if (datum.keys.length === 1) return atomToJson(datum.keys[0]!, kt);
  return ['set', datum.keys.map((k) => atomToJson(k, kt))];
}

export function datumEquals(a: Datum, b: Datum, type: ColumnType): boolean {
  return compareDatums(a, b, type) === 0;
}

/** Upstream's ovsdb_datum_compare_3way: by size first, then keys, then values. */
export function compareDatums(a: Datum, b: Datum, type: ColumnType): number {
  if (a === b) return 0;
  if (a.keys.length !== b.keys.length) return a.keys.length < b.keys.length ? -1 : 1;
  const kt = type.key.type;
  for (let i = 0; i < a.keys.length; i++) {
    const c = compareAtoms(a.keys[i]!, b.keys[i]!, kt);
    if (c) return c;
  }
  if (type.value !== null) {
    const vt = type.value.type;
    for (let i = 0; i < a.keys.length; i++) {
      const c = compareAtoms(a.values![i]!, b.values![i]!, vt);
      if (c) return c;
    }
  }
  return 0;
}

/** Checks every atom against its base type's constraints (not the size). */
export function checkDatumConstraints(datum: Datum, type: ColumnType): void {
  for (const k of datum.keys) checkAtomConstraints(k, type.key);
  if (type.value !== null) for (const v of datum.values!) checkAtomConstraints(v, type.value);
}

/** Upstream's ovsdb_datum_to_string (ovs-vsctl syntax), used in error messages. */
export function datumToString(datum: Datum, type: ColumnType): string {
  const isMap = type.value !== null;
  const brackets = type.max > 1 || datum.keys.length === 0;
  const parts: string[] = [];
  for (let i = 0; i < datum.keys.length; i++) {
    let s = atomToString(datum.keys[i]!, type.key.type);
    if (isMap) s += `=${atomToString(datum.values![i]!, type.value!.type)}`;
    parts.push(s);
  }
  const body = parts.join(', ');
  if (!brackets) return body;
  return isMap ? `{${body}}` : `[${body}]`;
}

