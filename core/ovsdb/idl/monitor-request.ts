// What the IDL asks the server to monitor: the tables and columns selected by the caller (default: all),
// limited to what the server's schema has (upstream warns and skips the rest, so a newer client works with
// an older server), with each table's acked condition as "where" for monitor_cond and monitor_cond_since.

import type { DatabaseSchema } from '../schema/types';
import type { JsonValue } from '../../json/value';
import type { ConditionJson } from './conditions';
import type { MonitorVersion } from './updates';

/** Table -> 'all' or the column names to monitor; a table not named is not monitored. Absent: everything. */
export type MonitorSelection = Readonly<Record<string, readonly string[] | 'all'>>;

/** Throws naming the first table or column of `selection` that `schema` lacks. */
export function validateMonitorSelection(schema: DatabaseSchema, selection: MonitorSelection | undefined): void {
  for (const [table, columns] of Object.entries(selection ?? {})) {
    const t = schema.tables.get(table);
    if (!t) throw new Error(`monitor selection names unknown table "${table}"`);
    if (columns !== 'all') for (const c of columns) if (!t.columnsByName.has(c)) throw new Error(`monitor selection names unknown column ${table}.${c}`);
  }
}

export function isMonitored(selection: MonitorSelection | undefined, table: string): boolean {
  return selection === undefined || selection[table] !== undefined;
}

export interface ComposedMonitorRequests {
  readonly requests: Record<string, JsonValue>;
  /** Selected tables the server does not have (not monitored; the caller reports them). */
  readonly missingTables: string[];
}

export function composeMonitorRequests(
  schema: DatabaseSchema,
  selection: MonitorSelection | undefined,
  serverColumns: ReadonlyMap<string, ReadonlySet<string>>,
  acked: ReadonlyMap<string, ConditionJson>,
  version: MonitorVersion,
): ComposedMonitorRequests {
  const requests: Record<string, JsonValue> = {};
  const missingTables: string[] = [];
  for (const table of schema.tables.values()) {
    const selected = selection ? selection[table.name] : 'all';
    if (selected === undefined) continue;
    const serverTable = serverColumns.get(table.name);
    if (!serverTable) {
      missingTables.push(table.name);
      continue;
    }
    const wanted = selected === 'all' ? table.columns.map((c) => c.name) : selected;
    const request: Record<string, JsonValue> = { columns: wanted.filter((c) => serverTable.has(c)) };
    const where = acked.get(table.name);
    if (version > 1 && where) request['where'] = where.slice();
    requests[table.name] = [request];
  }
  return { requests, missingTables };
}
