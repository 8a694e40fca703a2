// A schema's JSON as upstream writes it (ovsdb_schema_to_json serialized without sorting), e.g. as the
// first record of a database file made by `ovsdb-tool create`: same members as core/ovsdb/schema's
// schemaToJson, but every object's members in upstream's hash order, which follows from the order upstream
// inserted them. Given the schema as parsed from a JSON text (tables and columns in that text's order),
// upstream's insertion orders are:
//   tables:  the JSON "tables" object's shash order, inserted into schema->tables, iterated again;
//   columns: _uuid, _version, then the JSON "columns" object's shash order, iterated again (minus _*);
//   members: name, version, cksum, tables / mutable, isRoot, columns, maxRows, indexes /
//            mutable, ephemeral, type / key, value, min, max / type, enum, min*, max*, refTable, refType.
// So byte-identical files come out of `ovsdb-tool create` for the same schema text.

import type { JsonObject, JsonValue } from '../../json/value';
import type { DatabaseSchema, TableSchema } from '../schema/types';
import { columnToJson } from '../schema/schema-json';
import { inShashOrder, inUpstreamObjectOrder } from './shash-order';

/** Table names in the order upstream's SHASH_FOR_EACH visits a schema parsed from JSON text. */
export function upstreamTableOrder(schema: DatabaseSchema): string[] {
  return inShashOrder(inShashOrder([...schema.tables.keys()]));
}

/** Column names (including _uuid and _version) in upstream's SHASH_FOR_EACH order for a parsed table. */
export function upstreamColumnOrder(table: TableSchema): string[] {
  return inShashOrder(['_uuid', '_version', ...inShashOrder(table.columns.map((c) => c.name))]);
}

export function upstreamSchemaJson(schema: DatabaseSchema): JsonObject {
  const defaultIsRoot = [...schema.tables.values()].every((t) => t.isRoot);
  const tables: JsonObject = {};
  for (const name of upstreamTableOrder(schema)) {
    const table = schema.tables.get(name)!;
    const json: JsonObject = {};
    if (table.isRoot !== defaultIsRoot) json.isRoot = table.isRoot;
    const columns: JsonObject = {};
    for (const columnName of upstreamColumnOrder(table)) {
      if (columnName.startsWith('_')) continue;
      columns[columnName] = columnToJson(table.columnsByName.get(columnName)!) as JsonValue;
    }
    json.columns = columns;
    if (table.maxRows !== Infinity) json.maxRows = table.maxRows;
    if (table.indexes.length) json.indexes = table.indexes.map((index) => index.map((c) => c.name));
    tables[name] = json;
  }
  const out: JsonObject = { name: schema.name };
  if (schema.version !== '') out.version = schema.version;
  if (schema.cksum !== null && schema.cksum !== '') out.cksum = schema.cksum;
  out.tables = tables;
  return inUpstreamObjectOrder(out) as JsonObject;
}
