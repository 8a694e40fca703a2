// Atoms (RFC 7047 §5.1 <atom>): parse from JSON, print as JSON, compare canonically, check constraints,
// and print the way upstream prints them inside error messages (ovsdb_atom_to_string).
// Canonical order matches upstream's ovsdb_atom_compare_3way so sets and maps print in the same order as
// ovsdb-client: numbers numerically, false < true, strings by UTF-8 bytes, UUIDs by their hex text.

import type { Atom, AtomicType, BaseType } from '../schema/types';
import { type Json, formatG } from './json';
import { ovsdbError, syntaxError } from './error';

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const idPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const int64Min = -9223372036854775808;
const int64Max = 9223372036854775807;

export function isUuidString(s: string): boolean {
  return uuidPattern.test(s);
}

/** RFC 7047 <id>: a letter or underscore followed by letters, digits and underscores. */
export function isId(s: string): boolean {
  return idPattern.test(s);
}

/**
 * Resolves "named-uuid" references while parsing a transaction: returns the UUID that `name` stands for,
 * creating the symbol (with a fresh UUID) on first sight, as upstream's symbol table does.
 */
export interface SymbolTable {
  resolve(name: string, base: BaseType): string;
}

/** Compares two atoms of the same atomic type; <0, 0, >0. */
export function compareAtoms(a: Atom, b: Atom, type: AtomicType): number {
  switch (type) {
    case 'integer':
    case 'real':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'string':
      return compareUtf8(a as string, b as string);
    case 'uuid':
      return a === b ? 0 : (a as string) < (b as string) ? -1 : 1;
  }
}

/** strcmp() order of the UTF-8 encodings, computed on UTF-16 without encoding. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) sort after every BMP code point in UTF-8 and code-point order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Parses an atom of `base.type` from JSON without checking `base`'s constraints. */
export function atomFromJson(json: Json, base: BaseType, symtab: SymbolTable | null): Atom {
  switch (base.type) {
    case 'integer':
      if (typeof json === 'number' && Number.isInteger(json)) {
        if (json < int64Min || json > int64Max) throw syntaxError(json, null, 'expected integer');
        return json;
      }
      break;
    case 'real':
      if (typeof json === 'number') return json;
      break;
    case 'boolean':
      if (typeof json === 'boolean') return json;
      break;
    case 'string':
      if (typeof json === 'string') return json;
      break;
    case 'uuid':
      return uuidFromJson(json, base, symtab);
  }
  throw syntaxError(json, null, `expected ${base.type}`);
}

function uuidFromJson(json: Json, base: BaseType, symtab: SymbolTable | null): string {
  const pair = Array.isArray(json) && json.length === 2 && typeof json[0] === 'string' ? json : null;
  if (pair && pair[0] === 'uuid' && typeof pair[1] === 'string') {
    const s = pair[1];
    if (!isUuidString(s)) throw syntaxError(json, null, `"${s}" is not a valid UUID`);
    return s.toLowerCase();
  }
  if (symtab && pair && pair[0] === 'named-uuid' && typeof pair[1] === 'string') {
    if (!isId(pair[1])) throw syntaxError(json, null, 'named-uuid string is not a valid <id>');
    return symtab.resolve(pair[1], base);
  }
  throw syntaxError(json, null, 'expected ["uuid", <string>]');
}

/** Parses and checks constraints (upstream's ovsdb_atom_from_json). */
export function atomFromJsonChecked(json: Json, base: BaseType, symtab: SymbolTable | null): Atom {
  const atom = atomFromJson(json, base, symtab);
  checkAtomConstraints(atom, base);
  return atom;
}

export function atomToJson(atom: Atom, type: AtomicType): Json {
  return type === 'uuid' ? ['uuid', atom as string] : atom;
}

/** Throws a "constraint violation" unless `atom` satisfies `base` (UUID references are checked at commit). */
export function checkAtomConstraints(atom: Atom, base: BaseType): void {
  if (base.enum !== null && !containsAtom(base.enum, atom, base.type)) {
    const valid = base.enum.map((a) => atomToString(a, base.type)).join(', ');
    throw ovsdbError(
      'constraint violation',
      `${atomToString(atom, base.type)} is not one of the allowed values ([${valid}])`,
    );
  }
  switch (base.type) {
    case 'integer':
    case 'real': {
      const x = atom as number;
      const isInt = base.type === 'integer';
      const min = isInt ? base.minInteger : base.minReal;
      const max = isInt ? base.maxInteger : base.maxReal;
      if ((min === null || x >= min) && (max === null || x <= max)) return;
      const f = (v: number): string => (isInt ? String(v) : formatG(v, 15));
      if (min !== null && max !== null) {
        throw ovsdbError('constraint violation', `${f(x)} is not in the valid range ${f(min)} to ${f(max)} (inclusive)`);
      }
      if (min !== null) throw ovsdbError('constraint violation', `${f(x)} is less than minimum allowed value ${f(min)}`);
      throw ovsdbError('constraint violation', `${f(x)} is greater than maximum allowed value ${f(max!)}`);
    }
    case 'string': {
      if (base.minLength === null && base.maxLength === null) return;
      const s = atom as string;
      const nChars = countCodePoints(s);
      if (base.minLength !== null && nChars < base.minLength) {
        throw ovsdbError(
          'constraint violation',
          `"${s}" length ${nChars} is less than minimum allowed length ${base.minLength}`,
        );
      }
      if (base.maxLength !== null && nChars > base.maxLength) {
        throw ovsdbError(
          'constraint violation',
          `"${s}" length ${nChars} is greater than maximum allowed length ${base.maxLength}`,
        );
      }
      return;
    }
    default:
      return;
  }
}

function countCodePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** Binary search in a canonically sorted atom array. */
export function indexOfAtom(sorted: readonly Atom[], atom: Atom, type: AtomicType): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAtoms(sorted[mid]!, atom, type);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function containsAtom(sorted: readonly Atom[], atom: Atom, type: AtomicType): boolean {
  return indexOfAtom(sorted, atom, type) >= 0;
}

/** Upstream's string_needs_quotes: bare words are letters, digits, "_", "-", "." starting with a letter. */
function stringNeedsQuotes(s: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s)) return true;
  return s === 'true' || s === 'false' || isUuidString(s);
}

/** Upstream's ovsdb_atom_to_string (the ovs-vsctl syntax), used in error messages. */
export function atomToString(atom: Atom, type: AtomicType): string {
  switch (type) {
    case 'integer':
      return String(atom);
    case 'real':
      return formatG(atom as number, 15);
    case 'boolean':
      return atom ? 'true' : 'false';
    case 'string':
      return stringNeedsQuotes(atom as string) ? JSON.stringify(atom) : (atom as string);
    case 'uuid':
      return atom as string;
  }
}

