// Prints a schema back to JSON the way upstream's ovsdb_schema_to_json does (defaults omitted), so two
// schemas can be compared semantically and the server can answer get_schema.

import type { BaseType, ColumnSchema, ColumnType, DatabaseSchema, TableSchema } from './types';
import type { Json } from '../data/json';
import { atomToJson } from '../data/atom';

export function baseTypeToJson(base: BaseType): Json {
  const out: Record<string, Json> = { type: base.type };
  if (base.enum !== null) {
    out.enum = base.enum.length === 1
      ? atomToJson(base.enum[0]!, base.type)
      : ['set', base.enum.map((a) => atomToJson(a, base.type))];
  }
  if (base.minInteger !== null) out.minInteger = base.minInteger;
  if (base.maxInteger !== null) out.maxInteger = base.maxInteger;
  if (base.minReal !== null) out.minReal = base.minReal;
  if (base.maxReal !== null) out.maxReal = base.maxReal;
  if (base.minLength !== null) out.minLength = base.minLength;
  if (base.maxLength !== null) out.maxLength = base.maxLength;
  if (base.refTable !== null) {
    out.refTable = base.refTable;
    if (base.refType === 'weak') out.refType = 'weak';
  }
  return Object.keys(out).length === 1 ? base.type : out;
}

export function columnTypeToJson(type: ColumnType): Json {
  const keyJson = baseTypeToJson(type.key);
  if (type.min === 1 && type.max === 1 && type.value === null && typeof keyJson === 'string') return keyJson;
  const out: Record<string, Json> = { key: keyJson };
  if (type.value !== null) out.value = baseTypeToJson(type.value);
  if (type.min !== 1) out.min = type.min;
  if (type.max === Infinity) out.max = 'unlimited';
  else if (type.max !== 1) out.max = type.max;
  return out;
}

export function columnToJson(column: ColumnSchema): Json {
  const out: Record<string, Json> = {};
  if (!column.mutable) out.mutable = false;
  if (column.ephemeral) out.ephemeral = true;
  out.type = columnTypeToJson(column.type);
  return out;
}

export function tableToJson(table: TableSchema, defaultIsRoot: boolean): Json {
  const columns: Record<string, Json> = {};
  for (const c of table.columns) columns[c.name] = columnToJson(c);
  const out: Record<string, Json> = { columns };
  if (table.isRoot !== defaultIsRoot) out.isRoot = table.isRoot;
  if (table.maxRows !== Infinity) out.maxRows = table.maxRows;
  if (table.indexes.length) out.indexes = table.indexes.map((idx) => idx.map((c) => c.name));
  return out;
}

export function schemaToJson(schema: DatabaseSchema): Json {
  // Like upstream: if every table is a root, omit isRoot entirely (old-schema compatibility form).
  const defaultIsRoot = [...schema.tables.values()].every((t) => t.isRoot);
  const tables: Record<string, Json> = {};
  for (const t of schema.tables.values()) tables[t.name] = tableToJson(t, defaultIsRoot);
  const out: Record<string, Json> = { name: schema.name, version: schema.version };
  if (schema.cksum !== null) out.cksum = schema.cksum;
  out.tables = tables;
  return out;
}
