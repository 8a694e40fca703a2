// OVSDB schema model (RFC 7047 §3.2, `man ovsdb` section 5): database, tables, columns and their types.
// Schemas are loaded once and never change, so every object here is read-only and shared freely.

/** The five atomic types. "uuid" atoms are lowercase canonical UUID strings. */
export type AtomicType = 'integer' | 'real' | 'boolean' | 'string' | 'uuid';
export const atomicTypes: readonly AtomicType[] = ['integer', 'real', 'boolean', 'string', 'uuid'];

/**
 * An atom's JS value: integer and real are numbers (integers are safe integers), boolean is boolean,
 * string and uuid are strings. The column type says which one a value is.
 */
export type Atom = number | boolean | string;

export type RefType = 'strong' | 'weak';

/** An atomic type with its constraints; absent constraints mean "none" (upstream's defaults). */
export interface BaseType {
  readonly type: AtomicType;
  /** Allowed values, sorted canonically; null when unconstrained. */
  readonly enum: readonly Atom[] | null;
  readonly minInteger: number | null;
  readonly maxInteger: number | null;
  readonly minReal: number | null;
  readonly maxReal: number | null;
  readonly minLength: number | null;
  readonly maxLength: number | null;
  readonly refTable: string | null;
  /** Meaningful only with refTable; "strong" by default. */
  readonly refType: RefType;
}

/** A column type: a scalar (min=max=1), an optional value (0..1), a set, or a map (value present). */
export interface ColumnType {
  readonly key: BaseType;
  readonly value: BaseType | null;
  readonly min: number;
  /** Infinity for "unlimited". */
  readonly max: number;
}

export interface ColumnSchema {
  readonly name: string;
  /** Position of the column's value in a row's value array (schema order, user columns only). */
  readonly index: number;
  readonly type: ColumnType;
  readonly ephemeral: boolean;
  readonly mutable: boolean;
}

export interface TableSchema {
  readonly name: string;
  /** User columns in schema order (without _uuid and _version). */
  readonly columns: readonly ColumnSchema[];
  readonly columnsByName: ReadonlyMap<string, ColumnSchema>;
  readonly isRoot: boolean;
  /** Infinity when unlimited. */
  readonly maxRows: number;
  /** Each index is a list of columns whose combined values must be unique. */
  readonly indexes: readonly (readonly ColumnSchema[])[];
  /** Columns holding strong or weak references, for fast reference bookkeeping at commit. */
  readonly refColumns: readonly ColumnSchema[];
  /**
   * Every column name including "_uuid" and "_version" in the order upstream iterates them (its shash
   * order), which decides which of several errors upstream reports first; see data/shash-order.ts.
   */
  readonly upstreamColumnOrder: readonly string[];
}

export interface DatabaseSchema {
  readonly name: string;
  readonly version: string;
  readonly cksum: string | null;
  readonly tables: ReadonlyMap<string, TableSchema>;
}

/** The implicit columns every table has (RFC 7047 §3.2 <table-schema>). */
export const uuidType: ColumnType = Object.freeze({
  key: plainBaseType('uuid'),
  value: null,
  min: 1,
  max: 1,
});

export function plainBaseType(type: AtomicType): BaseType {
  return Object.freeze({
    type,
    enum: null,
    minInteger: null,
    maxInteger: null,
    minReal: null,
    maxReal: null,
    minLength: null,
    maxLength: null,
    refTable: null,
    refType: 'strong' as RefType,
  });
}

/** A base type like `base` with its constraints removed (e.g. to parse values for display or diffs). */
export function unconstrained(base: BaseType): BaseType {
  return plainBaseType(base.type);
}

export function isScalar(type: ColumnType): boolean {
  return type.min === 1 && type.max === 1 && type.value === null;
}

export function isMap(type: ColumnType): boolean {
  return type.value !== null;
}

export function isSet(type: ColumnType): boolean {
  return type.value === null && !(type.min === 1 && type.max === 1);
}

/** Upstream's ovsdb_type_to_english, used in error messages. */
export function typeToEnglish(type: ColumnType): string {
  if (type.min === 1 && type.max === 1 && type.value === null) return type.key.type;
  let s = type.value === null ? 'set' : 'map';
  if (type.max === Infinity) s += type.min ? ` of ${type.min} or more` : ' of';
  else if (type.min) s += ` of ${type.min} to ${type.max}`;
  else s += ` of up to ${type.max}`;
  s += type.value === null ? ` ${type.key.type}s` : ` (${type.key.type}, ${type.value.type}) pairs`;
  return s;
}
