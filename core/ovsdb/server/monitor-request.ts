// Parsing <monitor-requests> (RFC 7047 §4.1.5) and <monitor-cond-requests> (ovsdb-server(7) §4.1.12) into
// one spec per table, with upstream's error texts. Each spec carries a key naming exactly what it selects
// (version, table, columns, select flags, condition): monitors with equal keys get identical updates, so
// the server composes each update once per key and hands the same value to all of them.

import type { Json } from '../data/json';
import { isJsonObject, jsonToString } from '../data/json';
import { ObjectParser } from '../data/object-parser';
import { syntaxError } from '../data/error';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../schema/types';
import type { SelectedColumn } from '../txn/row';
import { parseCondition, type Condition } from '../txn/condition';

export type MonitorVersion = 1 | 2 | 3;

export interface Select {
  readonly initial: boolean;
  readonly insert: boolean;
  readonly delete: boolean;
  readonly modify: boolean;
}

export interface TableMonitorSpec {
  readonly table: TableSchema;
  /** Monitored columns: '_version' first when selected, then user columns in schema order. */
  readonly columns: readonly SelectedColumn[];
  readonly select: Select;
  /** The "where" JSON (conditional monitors only); null means every row. */
  readonly where: readonly Json[] | null;
  readonly condition: Condition | null;
  /** Identifies what this spec selects, for sharing composed updates. */
  readonly key: string;
}

const allSelected: Select = { initial: true, insert: true, delete: true, modify: true };

function selectKey(s: Select): string {
  return `${+s.initial}${+s.insert}${+s.delete}${+s.modify}`;
}

function columnName(c: SelectedColumn): string {
  return typeof c === 'string' ? c : c.name;
}

function columnRank(c: SelectedColumn): number {
  return c === '_uuid' ? -2 : c === '_version' ? -1 : c.index;
}

export function makeSpec(table: TableSchema, columns: SelectedColumn[], select: Select, where: readonly Json[] | null): TableMonitorSpec {
  columns.sort((a, b) => columnRank(a) - columnRank(b));
  const condition = where === null ? null : parseCondition(table, where, null);
  const whereKey = where === null ? '' : jsonToString(where);
  const key = `${table.name}|${columns.map(columnName).join(',')}|${selectKey(select)}|${whereKey}`;
  return { table, columns, select, where, condition, key };
}

function parseSelect(table: TableSchema, json: Json | undefined): Select {
  if (json === undefined) return allSelected;
  const p = new ObjectParser(json, `table ${table.name} select`);
  const flag = (name: string) => {
    const v = p.member(name, ['boolean'], true);
    return v === undefined ? true : (v as boolean);
  };
  const select = { initial: flag('initial'), insert: flag('insert'), delete: flag('delete'), modify: flag('modify') };
  p.finishOrThrow();
  return select;
}

function lookupColumn(table: TableSchema, name: string): SelectedColumn | undefined {
  if (name === '_uuid' || name === '_version') return name;
  return table.columnsByName.get(name);
}

/** One <monitor-request> for `table`, merged into `acc` (several requests for one table add up). */
function parseOne(table: TableSchema, json: Json, conditional: boolean, acc: { columns: SelectedColumn[]; select: Select | null; where: readonly Json[] | null }): void {
  const p = new ObjectParser(json, `table ${table.name}`);
  const where = conditional ? p.member('where', ['array'], true) : undefined;
  const columns = p.member('columns', ['array'], true);
  const selectJson = p.member('select', ['object'], true);
  p.finishOrThrow();
  const select = parseSelect(table, selectJson);
  acc.select = acc.select
    ? { initial: acc.select.initial || select.initial, insert: acc.select.insert || select.insert, delete: acc.select.delete || select.delete, modify: acc.select.modify || select.modify }
    : select;
  const add = (c: SelectedColumn, json: Json | undefined) => {
    if (acc.columns.includes(c)) throw syntaxError(json, null, `column ${columnName(c)} mentioned more than once`);
    acc.columns.push(c);
  };
  if (columns !== undefined) {
    for (const name of columns as readonly Json[]) {
      if (typeof name !== 'string') throw syntaxError(columns, null, 'array of column names expected');
      const c = lookupColumn(table, name);
      if (!c) throw syntaxError(columns, null, `${name} is not a valid column name`);
      add(c, columns);
    }
  } else {
    for (const c of ['_version' as const, ...table.columns]) add(c, undefined);
  }
  if (where !== undefined) acc.where = where as readonly Json[];
}

/** Parses the monitor-requests object; throws OvsdbError with upstream's wording. */
export function parseMonitorRequests(schema: DatabaseSchema, json: Json, conditional: boolean): TableMonitorSpec[] {
  if (!isJsonObject(json)) throw syntaxError(json, null, 'monitor-requests must be object');
  const specs: TableMonitorSpec[] = [];
  for (const name of Object.keys(json)) {
    const table = schema.tables.get(name);
    if (!table) throw syntaxError(undefined, null, `no table named ${name}`);
    const value = json[name]!;
    const acc = { columns: [] as SelectedColumn[], select: null as Select | null, where: null as readonly Json[] | null };
    if (Array.isArray(value)) for (const r of value as readonly Json[]) parseOne(table, r, conditional, acc);
    else parseOne(table, value, conditional, acc);
    specs.push(makeSpec(table, acc.columns, acc.select ?? allSelected, conditional ? (acc.where ?? [true]) : null));
  }
  return specs;
}

/** A monitor_cond_change request for one table: the new "where" (absent means every row). */
export function parseCondChange(spec: TableMonitorSpec, json: Json): TableMonitorSpec {
  const table = spec.table;
  if (!Array.isArray(json)) throw syntaxError(undefined, null, `table ${table.name} no monitor-cond-change JSON array`);
  let where: readonly Json[] = [true];
  for (const r of json as readonly Json[]) {
    const p = new ObjectParser(r, `table ${table.name}`);
    const columns = p.member('columns', ['array'], true);
    const w = p.member('where', ['array'], true);
    p.finishOrThrow();
    if (columns !== undefined) throw syntaxError(r, null, 'changing columns is unsupported');
    where = w === undefined ? [true] : (w as readonly Json[]);
  }
  return makeSpec(table, [...spec.columns], spec.select, where);
}

export function userColumns(spec: TableMonitorSpec): ColumnSchema[] {
  return spec.columns.filter((c): c is ColumnSchema => typeof c !== 'string');
}
