// The RFC 7047 §5.2 operations, one executor each, following upstream's ovsdb/execution.c: the order in
// which members are read (it decides which error is reported first), the result objects and error texts.

import type { BaseType, ColumnSchema, TableSchema } from '../schema/types';
import { uuidType } from '../schema/types';
import { type SymbolTable, isUuidString } from '../data/atom';
import {
  type Datum, checkDatumConstraints, compareDatums, datumEquals, datumFromJson, defaultDatum,
} from '../data/datum';
import { type Json, type JsonObject, jsonToString } from '../data/json';
import { OvsdbError, ovsdbError, syntaxError } from '../data/error';
import type { ObjectParser } from '../data/object-parser';
import { shashEntries } from '../data/shash-order';
import { makeRow, type Row, rowToJson, type SelectedColumn } from './row';
import { parseCondition } from './condition';
import { applyMutation, parseMutations } from './mutation';
import type { TxnState } from './txn-state';

/** Everything an executor may read or record besides the parser. */
export interface Execution {
  readonly txn: TxnState;
  readonly symtab: TxnSymbolTable;
  readonly comments: string[];
  durable: boolean;
  /** Milliseconds since the request arrived (0 on first execution). */
  readonly elapsedMs: number;
  /** Smallest "wait" timeout seen, Infinity if none. */
  timeoutMs: number;
  readonly isLockOwned: (name: string) => boolean;
}

/** Thrown by "wait" when its condition does not hold yet: the whole transaction must be retried later. */
export class WouldBlock extends Error {
  constructor() {
    super('triggers not supported');
  }
}

export type Executor = (x: Execution, p: ObjectParser) => JsonObject;

export interface OperationSpec {
  readonly readOnly: boolean;
  readonly execute: Executor;
}

/** Upstream's symbol table for "uuid-name"/"named-uuid": a name gets a UUID on first mention. */
export class TxnSymbolTable implements SymbolTable {
  private readonly symbols = new Map<string, { uuid: string; created: boolean }>();
  constructor(private readonly newUuid: () => string) {}

  resolve(name: string, _base: BaseType): string {
    return this.symbol(name).uuid;
  }

  symbol(name: string): { uuid: string; created: boolean } {
    let s = this.symbols.get(name);
    if (!s) this.symbols.set(name, (s = { uuid: this.newUuid(), created: false }));
    return s;
  }
}

function parseTable(x: Execution, p: ObjectParser, member: string): TableSchema | null {
  const name = p.member(member, ['id']);
  if (typeof name !== 'string') return null;
  const t = x.txn.db.schema.tables.get(name);
  if (!t) p.raise(`No table named ${name}.`);
  return t ?? null;
}

/** Parses a <row>: returns the values by column, plus the columns that were given. */
function parseRow(table: TableSchema, json: Json, symtab: SymbolTable | null): Map<ColumnSchema | '_uuid' | '_version', Datum> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw syntaxError(json, null, 'row must be JSON object');
  const out = new Map<ColumnSchema | '_uuid' | '_version', Datum>();
  // Columns are read in upstream's hash order, so the first bad column reported is the same.
  for (const [name, value] of shashEntries(json as JsonObject)) {
    if (name === '_uuid' || name === '_version') {
      out.set(name, datumFromJson(value, uuidType, symtab));
      continue;
    }
    const column = table.columnsByName.get(name);
    if (!column) throw syntaxError(json, 'unknown column', `No column ${name} in table ${table.name}.`);
    out.set(column, datumFromJson(value, column.type, symtab));
  }
  return out;
}

function rowWith(table: TableSchema, base: readonly Datum[] | null, given: Map<SelectedColumn, Datum>): Datum[] {
  const values = base ? base.slice() : table.columns.map((c) => defaultDatum(c.type));
  for (const [c, d] of given) if (typeof c !== 'string') values[c.index] = d;
  return values;
}

/** Upstream's ovsdb_column_set_from_json; null json means every column. */
function parseColumnSet(table: TableSchema, json: Json | undefined): SelectedColumn[] | null {
  if (json === undefined) return null;
  const bad = (): OvsdbError => syntaxError(json, null, 'array of distinct column names expected');
  if (!Array.isArray(json)) throw bad();
  const out: SelectedColumn[] = [];
  for (const item of json as readonly Json[]) {
    if (typeof item !== 'string') throw bad();
    const c: SelectedColumn | undefined = item === '_uuid' || item === '_version' ? item : table.columnsByName.get(item);
    if (c === undefined) throw syntaxError(json, null, `${item} is not a valid column name`);
    if (out.includes(c)) throw bad();
    out.push(c);
  }
  return out;
}

function columnValue(row: Row, c: SelectedColumn): Datum {
  if (c === '_uuid') return { keys: [row.uuid], values: null };
  if (c === '_version') return { keys: [row.version], values: null };
  return row.values[c.index]!;
}

function columnType(c: SelectedColumn) {
  return typeof c === 'string' ? uuidType : c.type;
}

function sameColumns(a: Row, b: Row, cols: readonly SelectedColumn[]): boolean {
  return cols.every((c) => datumEquals(columnValue(a, c), columnValue(b, c), columnType(c)));
}

function insert(x: Execution, p: ObjectParser): JsonObject {
  const table = parseTable(x, p, 'table');
  const uuidJson = p.member('uuid', ['string'], true);
  const uuidName = p.member('uuid-name', ['id'], true);
  const rowJson = p.member('row', ['object']);
  p.check();
  let uuid: string | undefined;
  if (typeof uuidJson === 'string') {
    if (!isUuidString(uuidJson)) throw syntaxError(uuidJson, null, 'bad uuid');
    uuid = uuidJson.toLowerCase();
    if (!x.txn.mayCreate(table!, uuid)) {
      throw syntaxError(uuidJson, 'duplicate uuid',
        'This UUID would duplicate a UUID already present within the table or deleted within the same transaction.');
    }
  }
  if (typeof uuidName === 'string') {
    const symbol = x.symtab.symbol(uuidName);
    if (symbol.created) {
      throw syntaxError(uuidName, 'duplicate uuid-name', 'This "uuid-name" appeared on an earlier "insert" operation.');
    }
    if (uuid !== undefined) symbol.uuid = uuid;
    else uuid = symbol.uuid;
    symbol.created = true;
  } else if (uuid === undefined) {
    uuid = x.txn.newUuid();
  }
  const given = parseRow(table!, rowJson as Json, x.symtab);
  const values = rowWith(table!, null, given);
  // Default values may violate constraints (e.g. "" for an enum): check the one-element datums.
  for (const name of table!.upstreamColumnOrder) {
    const c = table!.columnsByName.get(name);
    if (c && values[c.index]!.keys.length === 1) checkDatumConstraints(values[c.index]!, c.type);
  }
  x.txn.insert(table!, makeRow(uuid, x.txn.newUuid(), values));
  return { uuid: ['uuid', uuid] };
}

function select(x: Execution, p: ObjectParser): JsonObject {
  const table = parseTable(x, p, 'table');
  const where = p.member('where', ['array']);
  const columnsJson = p.member('columns', ['array'], true);
  const sortJson = p.member('sort', ['array'], true);
  p.check();
  const cond = parseCondition(table!, where as Json[], x.symtab);
  const columns = parseColumnSet(table!, columnsJson);
  const sort = parseColumnSet(table!, sortJson) ?? [];
  let rows = x.txn.query(table!, cond);
  if (columns !== null && !columns.includes('_uuid')) {
    // Upstream's ovsdb_query_distinct: without _uuid, rows identical in the selected columns collapse.
    const distinct: Row[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      const key = jsonToString(rowToJson(table!, r, columns));
      if (!seen.has(key)) {
        seen.add(key);
        distinct.push(r);
      }
    }
    rows = distinct;
  }
  if (sort.length) {
    rows = rows.slice().sort((a, b) => {
      for (const c of sort) {
        const r = compareDatums(columnValue(a, c), columnValue(b, c), columnType(c));
        if (r) return r;
      }
      return 0;
    });
  }
  return { rows: rows.map((r) => rowToJson(table!, r, columns)) };
}

function update(x: Execution, p: ObjectParser): JsonObject {
  const table = parseTable(x, p, 'table');
  const where = p.member('where', ['array']);
  const rowJson = p.member('row', ['object']);
  p.check();
  const given = parseRow(table!, rowJson as Json, x.symtab);
  for (const c of given.keys()) {
    const name = typeof c === 'string' ? c : c.name;
    if (typeof c === 'string' || !c.mutable) {
      throw syntaxError(p.json, 'constraint violation', `Cannot update immutable column ${name} in table ${table!.name}.`);
    }
  }
  const cond = parseCondition(table!, where as Json[], x.symtab);
  const rows = x.txn.query(table!, cond);
  const cols = [...given.keys()];
  for (const row of rows) {
    const updated = makeRow(row.uuid, row.version, rowWith(table!, row.values, given));
    if (!sameColumns(row, updated, cols)) x.txn.modify(table!, updated);
  }
  return { count: rows.length };
}

function mutate(x: Execution, p: ObjectParser): JsonObject {
  const table = parseTable(x, p, 'table');
  const where = p.member('where', ['array']);
  const mutationsJson = p.member('mutations', ['array']);
  p.check();
  const mutations = parseMutations(table!, mutationsJson as Json[], x.symtab);
  const cond = parseCondition(table!, where as Json[], x.symtab);
  const rows = x.txn.query(table!, cond);
  for (const row of rows) {
    const values = row.values.slice();
    for (const m of mutations) values[m.column.index] = applyMutation(m, values[m.column.index]!);
    x.txn.modify(table!, makeRow(row.uuid, row.version, values));
  }
  return { count: rows.length };
}

function del(x: Execution, p: ObjectParser): JsonObject {
  const where = p.member('where', ['array']);
  const table = parseTable(x, p, 'table');
  p.check();
  const cond = parseCondition(table!, where as Json[], x.symtab);
  const rows = x.txn.query(table!, cond);
  for (const row of rows) x.txn.delete(table!, row.uuid);
  return { count: rows.length };
}

function wait(x: Execution, p: ObjectParser): JsonObject {
  const timeout = p.member('timeout', ['integer'], true);
  const where = p.member('where', ['array']);
  const columnsJson = p.member('columns', ['array'], true);
  const until = p.member('until', ['string']);
  const rowsJson = p.member('rows', ['array']);
  const table = parseTable(x, p, 'table');
  p.check();
  const cond = parseCondition(table!, where as Json[], x.symtab);
  const columns = parseColumnSet(table!, columnsJson) ?? ['_uuid', '_version', ...table!.columns] as SelectedColumn[];
  let timeoutMs = Infinity;
  if (typeof timeout === 'number') {
    if (timeout < 0) throw syntaxError(timeout, null, 'timeout must be nonnegative');
    timeoutMs = timeout;
    x.timeoutMs = Math.min(x.timeoutMs, timeout);
  }
  if (until !== '==' && until !== '!=') throw syntaxError(until as Json, null, '"until" must be "==" or "!="');
  const expected: Row[] = [];
  for (const rj of rowsJson as Json[]) {
    const given = parseRow(table!, rj, x.symtab);
    const values = rowWith(table!, null, given);
    const u = given.get('_uuid')?.keys[0] as string | undefined;
    const v = given.get('_version')?.keys[0] as string | undefined;
    const row = makeRow(u ?? '00000000-0000-0000-0000-000000000000', v ?? '00000000-0000-0000-0000-000000000000', values);
    if (!expected.some((e) => sameColumns(e, row, columns))) expected.push(row);
  }
  const actual: Row[] = [];
  let equal = true;
  for (const row of x.txn.query(table!, cond)) {
    if (!expected.some((e) => sameColumns(e, row, columns))) {
      equal = false;
      break;
    }
    if (!actual.some((a) => sameColumns(a, row, columns))) actual.push(row);
  }
  if (equal) equal = actual.length === expected.length;
  if ((until === '==') !== equal) {
    if (typeof timeout === 'number' && x.elapsedMs >= timeoutMs) {
      throw x.elapsedMs
        ? ovsdbError('timed out', `"wait" timed out after ${x.elapsedMs} ms`)
        : ovsdbError('timed out', '"where" clause test failed');
    }
    throw new WouldBlock();
  }
  return {};
}

function commit(x: Execution, p: ObjectParser): JsonObject {
  const durable = p.member('durable', ['boolean']);
  if (durable === true) x.durable = true;
  return {};
}

function abort(): JsonObject {
  throw ovsdbError('aborted', 'aborted by request');
}

function comment(x: Execution, p: ObjectParser): JsonObject {
  const text = p.member('comment', ['string']);
  if (typeof text === 'string') x.comments.push(text);
  return {};
}

function assertLock(x: Execution, p: ObjectParser): JsonObject {
  const lock = p.member('lock', ['id']);
  if (typeof lock !== 'string') return {};
  if (x.isLockOwned(lock)) return {};
  throw ovsdbError('not owner', `Asserted lock ${lock} not held.`);
}

/** The operation table (upstream's lookup_executor): name, read-only flag, executor. */
export const operations: ReadonlyMap<string, OperationSpec> = new Map<string, OperationSpec>([
  ['insert', { readOnly: false, execute: insert }],
  ['select', { readOnly: true, execute: select }],
  ['update', { readOnly: false, execute: update }],
  ['mutate', { readOnly: false, execute: mutate }],
  ['delete', { readOnly: false, execute: del }],
  ['wait', { readOnly: true, execute: wait }],
  ['commit', { readOnly: false, execute: commit }],
  ['abort', { readOnly: true, execute: abort }],
  ['comment', { readOnly: true, execute: comment }],
  ['assert', { readOnly: true, execute: assertLock }],
]);

export { OvsdbError };
