// Loads a database schema from its JSON (.ovsschema) form, with upstream's validation rules and error
// texts (ovsdb/ovsdb.c, table.c, column.c, lib/ovsdb-types.c), so a schema ovsdb-tool rejects we reject too.

import type { Atom, AtomicType, BaseType, ColumnSchema, ColumnType, DatabaseSchema, RefType, TableSchema } from './types';
import { atomicTypes, plainBaseType } from './types';
import { type Json, isJsonObject } from '../data/json';
import { OvsdbError, syntaxError } from '../data/error';
import { ObjectParser } from '../data/object-parser';
import { isId } from '../data/atom';
import { datumFromJson } from '../data/datum';
import { shashEntries, shashOrder } from '../data/shash-order';

const uint32Max = 4294967295;
const versionPattern = /^\d+\.\d+\.\d+$/;

/** Parses and validates a schema; throws OvsdbError with upstream's wording on any problem. */
export function parseDatabaseSchema(json: Json): DatabaseSchema {
  const p = new ObjectParser(json, 'database schema');
  const name = p.member('name', ['id']);
  const version = p.member('version', ['string'], true);
  const cksum = p.member('cksum', ['string'], true);
  const tablesJson = p.member('tables', ['object']);
  p.finishOrThrow();
  if (typeof version === 'string' && !versionPattern.test(version)) {
    throw syntaxError(json, null, `schema version "${version}" not in format x.y.z`);
  }
  const drafts: TableDraft[] = [];
  // Tables and columns are visited in upstream's hash order so the first error reported is the same.
  for (const [tableName, tableJson] of shashEntries(tablesJson as Record<string, Json>)) {
    checkName(json, tableName);
    drafts.push(parseTable(tableJson, tableName));
  }
  // Schemas from before "isRoot" existed had no garbage collection: if no table is a root, all are.
  const allRoot = !drafts.some((t) => t.isRoot);
  const rootNames = new Set(drafts.filter((d) => allRoot || d.isRoot).map((d) => d.name));
  // Tables keep the schema file's order; upstream's own table set is iterated in its hash order.
  const byName = new Map(drafts.map((d) => [d.name, d] as const));
  const tables = new Map<string, TableSchema>();
  for (const name of Object.keys(tablesJson as Record<string, Json>)) {
    tables.set(name, finishTable(byName.get(name)!, rootNames));
  }
  for (const name of shashOrder(drafts.map((d) => d.name))) {
    const table = tables.get(name)!;
    for (const name of table.upstreamColumnOrder) {
      const column = table.columnsByName.get(name);
      if (!column) continue;
      for (const [base, which] of [[column.type.key, 'key'], [column.type.value, 'value']] as const) {
        if (base?.refTable != null && !tables.has(base.refTable)) {
          throw syntaxError(undefined, null, `column ${column.name} ${which} refers to undefined table ${base.refTable}`);
        }
      }
    }
  }
  return Object.freeze({
    name: name as string,
    version: typeof version === 'string' ? version : '',
    cksum: typeof cksum === 'string' ? cksum : null,
    tables,
  });
}

function checkName(context: Json, name: string): void {
  if (name.startsWith('_')) throw syntaxError(context, null, 'names beginning with "_" are reserved');
  if (!isId(name)) throw syntaxError(context, null, 'name must be a valid id');
}

interface TableDraft {
  readonly name: string;
  readonly columns: ColumnSchema[];
  readonly isRoot: boolean;
  readonly maxRows: number;
  readonly indexNames: string[][];
  readonly upstreamColumnOrder: readonly string[];
  readonly json: Json;
}

function parseTable(json: Json, name: string): TableDraft {
  const p = new ObjectParser(json, `table schema for table ${name}`);
  const columnsJson = p.member('columns', ['object']);
  p.member('mutable', ['boolean'], true);
  const maxRows = p.member('maxRows', ['integer'], true);
  const isRoot = p.member('isRoot', ['boolean'], true);
  const indexes = p.member('indexes', ['array'], true);
  p.finishOrThrow();
  if (typeof maxRows === 'number' && maxRows <= 0) throw syntaxError(json, null, 'maxRows must be at least 1');
  const entries = shashEntries(columnsJson as Record<string, Json>);
  if (entries.length === 0) throw syntaxError(json, null, 'table must have at least one column');
  const parsed = new Map<string, ColumnSchema>();
  for (const [columnName, columnJson] of entries) {
    checkName(json, columnName);
    parsed.set(columnName, parseColumn(columnJson, columnName, 0));
  }
  // Our rows keep columns in the schema file's order; upstream's iteration order is kept separately.
  const columns: ColumnSchema[] = Object.keys(columnsJson as Record<string, Json>).map((n, index) => ({ ...parsed.get(n)!, index }));
  const upstreamColumnOrder = shashOrder(['_uuid', '_version', ...entries.map(([n]) => n)]);
  const indexNames: string[][] = [];
  for (const indexJson of (indexes as readonly Json[] | undefined) ?? []) {
    const names = parseColumnNames(indexJson, columns);
    if (names.length === 0) throw syntaxError(json, null, 'index must have at least one column');
    for (const n of names) {
      const c = columns.find((col) => col.name === n)!;
      if (c.ephemeral) throw syntaxError(json, null, `ephemeral columns (such as ${n}) may not be indexed`);
    }
    indexNames.push(names);
  }
  return {
    name,
    columns,
    isRoot: isRoot === true,
    maxRows: typeof maxRows === 'number' && maxRows < uint32Max ? maxRows : Infinity,
    indexNames,
    upstreamColumnOrder,
    json,
  };
}

/** Upstream's ovsdb_column_set_from_json for schema indexes (only user columns exist here). */
function parseColumnNames(json: Json, columns: readonly ColumnSchema[]): string[] {
  const bad = (): OvsdbError => syntaxError(json, null, 'array of distinct column names expected');
  if (!Array.isArray(json)) throw bad();
  const out: string[] = [];
  for (const item of json as readonly Json[]) {
    if (typeof item !== 'string') throw bad();
    if (!columns.some((c) => c.name === item) && item !== '_uuid' && item !== '_version') {
      throw syntaxError(json, null, `${item} is not a valid column name`);
    }
    if (out.includes(item)) throw bad();
    out.push(item);
  }
  return out;
}

function parseColumn(json: Json, name: string, index: number): ColumnSchema {
  const p = new ObjectParser(json, `schema for column ${name}`);
  const mutable = p.member('mutable', ['boolean'], true);
  const ephemeral = p.member('ephemeral', ['boolean'], true);
  const typeJson = p.member('type', ['string', 'object']);
  p.finishOrThrow();
  const type = parseColumnType(typeJson as Json);
  // A weak reference must stay mutable: deleting the referenced row has to change it.
  const weak = type.key.refTable !== null && type.key.refType === 'weak'
    || (type.value?.refTable != null && type.value.refType === 'weak');
  return {
    name,
    index,
    type,
    ephemeral: ephemeral === true,
    mutable: mutable !== false || weak,
  };
}

/** Parses a column <type> (RFC 7047 §3.2). */
export function parseColumnType(json: Json): ColumnType {
  if (typeof json === 'string') return Object.freeze({ key: parseBaseType(json), value: null, min: 1, max: 1 });
  if (!isJsonObject(json)) throw syntaxError(json, null, 'ovsdb type expected');
  const p = new ObjectParser(json, 'ovsdb type');
  const key = p.member('key', ['string', 'object']);
  const value = p.member('value', ['string', 'object'], true);
  const min = p.member('min', ['integer'], true);
  const max = p.member('max', ['integer', 'string'], true);
  p.finishOrThrow();
  const keyType = parseBaseType(key as Json);
  const valueType = value === undefined ? null : parseBaseType(value);
  const nMin = parseCount(min);
  const nMax = max === 'unlimited' ? Infinity : parseCount(max);
  if (!(nMin <= 1 && nMax >= 1)) throw syntaxError(json, null, 'ovsdb type fails constraint checks');
  return Object.freeze({ key: keyType, value: valueType, min: nMin, max: nMax });
}

function parseCount(json: Json | undefined): number {
  if (json === undefined) return 1;
  if (typeof json === 'number' && Number.isInteger(json) && json >= 0 && json < uint32Max) return json;
  throw syntaxError(json, null, 'bad min or max value');
}

function parseAtomicType(json: Json): AtomicType {
  if (typeof json === 'string') {
    if ((atomicTypes as readonly string[]).includes(json)) return json as AtomicType;
    throw syntaxError(json, null, `"${json}" is not an atomic-type`);
  }
  throw syntaxError(json, null, 'atomic-type expected');
}

/** Parses a <base-type>: an atomic type name or an object with constraints. */
export function parseBaseType(json: Json): BaseType {
  if (typeof json === 'string') return plainBaseType(parseAtomicType(json));
  const p = new ObjectParser(json, 'ovsdb type');
  const typeJson = p.member('type', ['string']);
  p.check();
  const type = parseAtomicType(typeJson as Json);
  const out: { -readonly [K in keyof BaseType]: BaseType[K] } = { ...plainBaseType(type) };
  const enumJson = p.member('enum', ['any'], true);
  if (enumJson !== undefined) {
    const enumType: ColumnType = { key: plainBaseType(type), value: null, min: 0, max: Infinity };
    let atoms: readonly Atom[] = [];
    try {
      atoms = datumFromJson(enumJson, enumType, null).keys;
    } catch (e) {
      if (!(e instanceof OvsdbError)) throw e;
      p.put(e);
    }
    out.enum = Object.freeze(atoms.slice());
  } else if (type === 'integer') {
    const min = p.member('minInteger', ['integer'], true);
    const max = p.member('maxInteger', ['integer'], true);
    out.minInteger = typeof min === 'number' ? min : null;
    out.maxInteger = typeof max === 'number' ? max : null;
    if (out.minInteger !== null && out.maxInteger !== null && out.minInteger > out.maxInteger) {
      p.put(syntaxError(json, null, 'minInteger exceeds maxInteger'));
    }
  } else if (type === 'real') {
    const min = p.member('minReal', ['number'], true);
    const max = p.member('maxReal', ['number'], true);
    out.minReal = typeof min === 'number' ? min : null;
    out.maxReal = typeof max === 'number' ? max : null;
    if (out.minReal !== null && out.maxReal !== null && out.minReal > out.maxReal) {
      p.put(syntaxError(json, null, 'minReal exceeds maxReal'));
    }
  } else if (type === 'string') {
    out.minLength = parseLength(p, 'minLength');
    out.maxLength = parseLength(p, 'maxLength');
    if ((out.minLength ?? 0) > (out.maxLength ?? uint32Max)) p.put(syntaxError(json, null, 'minLength exceeds maxLength'));
  } else if (type === 'uuid') {
    const refTable = p.member('refTable', ['id'], true);
    if (typeof refTable === 'string') {
      out.refTable = refTable;
      const refType = p.member('refType', ['id'], true);
      if (refType !== undefined && refType !== 'strong' && refType !== 'weak') {
        p.put(syntaxError(json, null, `refType must be "strong" or "weak" (not "${refType as string}")`));
      } else if (refType !== undefined) {
        out.refType = refType as RefType;
      }
    }
  }
  p.finishOrThrow();
  return Object.freeze(out);
}

function parseLength(p: ObjectParser, member: string): number | null {
  const v = p.member(member, ['integer'], true);
  if (v === undefined) return null;
  const n = v as number;
  if (n < 0 || n > uint32Max) {
    p.put(syntaxError(v, null, `${member} out of valid range 0 to ${uint32Max}`));
    return null;
  }
  return n;
}

function finishTable(d: TableDraft, rootNames: ReadonlySet<string>): TableSchema {
  const isRoot = rootNames.has(d.name);
  for (let i = 0; i < d.columns.length; i++) {
    const c = d.columns[i]!;
    // A strong reference to a non-root table cannot be ephemeral: replaying the log would garbage-collect
    // the referenced row (upstream forces such columns persistent the same way).
    const strongToNonRoot = [c.type.key, c.type.value].some(
      (b) => b?.refTable != null && b.refType === 'strong' && !rootNames.has(b.refTable),
    );
    d.columns[i] = Object.freeze(strongToNonRoot && c.ephemeral ? { ...c, ephemeral: false } : c);
  }
  const columnsByName = new Map(d.columns.map((c) => [c.name, c] as const));
  // Indexes on _uuid/_version are accepted by upstream's parser but trivially unique; keep user columns.
  const indexes = d.indexNames
    .filter((names) => names.every((n) => columnsByName.has(n)))
    .map((names) => Object.freeze(names.map((n) => columnsByName.get(n)!)));
  const refColumns = d.columns.filter((c) => c.type.key.refTable !== null || c.type.value?.refTable != null);
  return Object.freeze({
    name: d.name,
    columns: Object.freeze(d.columns),
    columnsByName,
    isRoot,
    maxRows: d.maxRows,
    indexes: Object.freeze(indexes),
    refColumns: Object.freeze(refColumns),
    upstreamColumnOrder: Object.freeze(d.upstreamColumnOrder.slice()),
  });
}
