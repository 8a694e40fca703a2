// Replays transaction records into plain database content, with the semantics upstream's ovsdb/file.c
// gives them. It needs only each column's shape from the schema JSON, so it stays independent of the
// transaction engine; the engine may use it to cross-check its own replay, and tests use it to compare a
// file with `ovsdb-client dump`.
//
// Diff rows ("_is_diff": true) of existing rows, per column shape:
//   scalar (max 1, including optional values with min 0): the datum is the new value;
//   set (key only, max > 1): the datum's elements are toggled (symmetric difference);
//   map (max > 1): for each [key, value]: absent key -> added; same key and value -> removed; same key with
//   another value -> value replaced.
// Non-diff rows replace the columns they name. New rows take the columns given (unnamed columns keep their
// defaults and are simply absent here). A null row deletes it.

import { getMember, isJsonObject, jsonEqual, jsonExcerpt, type JsonValue } from '../../json/value';
import { formatJson } from '../../json/format';
import { parseTransactionRecord, TransactionRecordError, type RowJson, type TransactionRecord } from './transaction-record';
import { LogError, type LogRecord } from './record-codec';

export type ColumnShape = 'scalar' | 'set' | 'map';
/** table -> column -> shape */
export type SchemaShapes = ReadonlyMap<string, ReadonlyMap<string, ColumnShape>>;
/** table -> row UUID -> columns (datum JSON; absent columns hold their defaults) */
export type DatabaseContent = Map<string, Map<string, RowJson>>;

export class ReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayError';
  }
}

function columnShape(type: JsonValue, where: string): ColumnShape {
  if (typeof type === 'string') return 'scalar';
  if (!isJsonObject(type)) throw new ReplayError(`${where}: column type is neither a string nor an object`);
  // Upstream diffs only composite columns (max > 1, ovsdb_type_is_composite); an optional value (min 0,
  // max 1) is replaced like a scalar.
  const max = getMember(type, 'max') ?? 1;
  if (max === 1) return 'scalar';
  return getMember(type, 'value') !== undefined ? 'map' : 'set';
}

/** Column shapes from a schema's JSON (the first record of a database file). */
export function schemaShapes(schema: JsonValue): SchemaShapes {
  if (!isJsonObject(schema)) throw new ReplayError('schema is not a JSON object');
  const tables = getMember(schema, 'tables');
  if (!isJsonObject(tables)) throw new ReplayError('schema has no "tables" object');
  const shapes = new Map<string, Map<string, ColumnShape>>();
  for (const table of Object.keys(tables)) {
    const tableJson = tables[table]!;
    const columns = isJsonObject(tableJson) ? getMember(tableJson, 'columns') : undefined;
    if (!isJsonObject(columns)) throw new ReplayError(`schema table ${table} has no "columns" object`);
    const byColumn = new Map<string, ColumnShape>();
    for (const column of Object.keys(columns)) {
      const columnJson = columns[column]!;
      const type = isJsonObject(columnJson) ? getMember(columnJson, 'type') : undefined;
      if (type === undefined) throw new ReplayError(`schema column ${table}.${column} has no "type"`);
      byColumn.set(column, columnShape(type, `schema column ${table}.${column}`));
    }
    shapes.set(table, byColumn);
  }
  return shapes;
}

function isWrapped(datum: JsonValue, tag: string): datum is [string, JsonValue[]] {
  return Array.isArray(datum) && datum.length === 2 && datum[0] === tag && Array.isArray(datum[1]);
}

function setElements(datum: JsonValue, where: string): JsonValue[] {
  if (isWrapped(datum, 'set')) return datum[1];
  if (isWrapped(datum, 'map')) throw new ReplayError(`${where}: a map where a set was expected`);
  return [datum]; // a single atom (including ["uuid", "..."])
}

function mapPairs(datum: JsonValue, where: string): Array<[JsonValue, JsonValue]> {
  if (!isWrapped(datum, 'map')) throw new ReplayError(`${where}: expected ["map", [...]], got ${jsonExcerpt(datum)}`);
  return datum[1].map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new ReplayError(`${where}: bad map pair ${jsonExcerpt(pair)}`);
    return [pair[0]!, pair[1]!];
  });
}

/** Upstream's form: a one-element set is written as the bare atom. */
function setDatum(elements: JsonValue[]): JsonValue {
  return elements.length === 1 ? elements[0]! : ['set', elements];
}

function atomKey(atom: JsonValue): string {
  return formatJson(atom);
}

function applySetDiff(old: JsonValue | undefined, diff: JsonValue, where: string): JsonValue {
  const result = new Map<string, JsonValue>();
  for (const e of old === undefined ? [] : setElements(old, where)) result.set(atomKey(e), e);
  for (const e of setElements(diff, where)) {
    const key = atomKey(e);
    if (result.has(key)) result.delete(key);
    else result.set(key, e);
  }
  return setDatum([...result.values()]);
}

function applyMapDiff(old: JsonValue | undefined, diff: JsonValue, where: string): JsonValue {
  const result = new Map<string, [JsonValue, JsonValue]>();
  for (const [k, v] of old === undefined ? [] : mapPairs(old, where)) result.set(atomKey(k), [k, v]);
  for (const [k, v] of mapPairs(diff, where)) {
    const key = atomKey(k);
    const existing = result.get(key);
    if (existing && jsonEqual(existing[1], v)) result.delete(key);
    else result.set(key, [k, v]);
  }
  return ['map', [...result.values()]];
}

/**
 * The "_is_diff" row upstream writes for a change from `old` to `next` (both rows of one table): changed
 * scalars with their new value, toggled set elements, and map pairs removed (old value), added or changed
 * (new value). Unchanged columns are omitted. Absent set/map columns are empty; a scalar present in `old`
 * must be present in `next` (its default is not known here).
 */
export function diffRow(old: RowJson, next: RowJson, shapes: ReadonlyMap<string, ColumnShape>): RowJson {
  const diff: RowJson = {};
  const columns = new Set([...Object.keys(old), ...Object.keys(next)]);
  for (const column of columns) {
    const shape = shapes.get(column);
    if (!shape) throw new ReplayError(`diffRow: unknown column ${column}`);
    const before = getMember(old, column);
    const after = getMember(next, column);
    if (shape === 'scalar') {
      if (after === undefined) throw new ReplayError(`diffRow: scalar column ${column} is missing from the new row`);
      if (before === undefined || !jsonEqual(before, after)) diff[column] = after;
      continue;
    }
    const where = `diffRow column ${column}`;
    if (shape === 'set') {
      const a = new Map((before === undefined ? [] : setElements(before, where)).map((e) => [atomKey(e), e]));
      const b = new Map((after === undefined ? [] : setElements(after, where)).map((e) => [atomKey(e), e]));
      const toggled = [...[...a].filter(([k]) => !b.has(k)), ...[...b].filter(([k]) => !a.has(k))].map(([, e]) => e);
      if (toggled.length > 0) diff[column] = setDatum(toggled);
    } else {
      const a = new Map((before === undefined ? [] : mapPairs(before, where)).map((p) => [atomKey(p[0]), p]));
      const b = new Map((after === undefined ? [] : mapPairs(after, where)).map((p) => [atomKey(p[0]), p]));
      const pairs: JsonValue[] = [];
      for (const [k, p] of a) if (!b.has(k)) pairs.push(p);
      for (const [k, p] of b) if (!a.has(k) || !jsonEqual(a.get(k)![1], p[1])) pairs.push(p);
      if (pairs.length > 0) diff[column] = ['map', pairs];
    }
  }
  return diff;
}

/** Applies one transaction record to `content` in place; throws ReplayError on an inconsistent record. */
export function applyTransaction(content: DatabaseContent, record: TransactionRecord, shapes: SchemaShapes): void {
  for (const table of Object.keys(record.changes)) {
    const columnShapes = shapes.get(table);
    if (!columnShapes) throw new ReplayError(`record names unknown table ${table}`);
    let rows = content.get(table);
    if (!rows) content.set(table, (rows = new Map()));
    const changes = record.changes[table]!;
    for (const uuid of Object.keys(changes)) {
      const change = changes[uuid]!;
      const where = `${table} row ${uuid}`;
      if (change === null) {
        if (!rows.delete(uuid)) throw new ReplayError(`${where}: deleted but does not exist`);
        continue;
      }
      const old = rows.get(uuid);
      const next: RowJson = old ? { ...old } : {};
      for (const column of Object.keys(change)) {
        const shape = columnShapes.get(column);
        if (!shape) throw new ReplayError(`${where}: unknown column ${column}`);
        const datum = change[column]!;
        if (!old || !record.isDiff || shape === 'scalar') next[column] = datum;
        else if (shape === 'set') next[column] = applySetDiff(getMember(old, column), datum, `${where} column ${column}`);
        else next[column] = applyMapDiff(getMember(old, column), datum, `${where} column ${column}`);
      }
      rows.set(uuid, next);
    }
  }
}

/** A full-content record (what compaction writes): every row with the columns it holds, not a diff. */
export function snapshotRecordChanges(content: DatabaseContent): Record<string, Record<string, RowJson>> {
  const changes: Record<string, Record<string, RowJson>> = {};
  for (const [table, rows] of content) {
    if (rows.size === 0) continue;
    const out: Record<string, RowJson> = {};
    for (const [uuid, row] of rows) out[uuid] = row;
    changes[table] = out;
  }
  return changes;
}


/**
 * Replays a database file's transaction records (as DatabaseLog.open returns them) from empty content.
 * Errors name the file and the offending record's offset.
 */
export function replayRecords(schema: JsonValue, records: readonly LogRecord[], file: string): DatabaseContent {
  const shapes = schemaShapes(schema);
  const content: DatabaseContent = new Map();
  for (const table of shapes.keys()) content.set(table, new Map());
  for (const record of records) {
    try {
      applyTransaction(content, parseTransactionRecord(record.json), shapes);
    } catch (e) {
      if (e instanceof ReplayError || e instanceof TransactionRecordError) throw new LogError(file, record.offset, e.message);
      throw e;
    }
  }
  return content;
}
