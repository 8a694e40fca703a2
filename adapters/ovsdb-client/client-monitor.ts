// `ovsdb-client monitor` / `monitor-cond`: subscribe to a database and print the initial contents and
// every update as tables, like upstream: one table per monitored table that changed (captioned with its
// name when several are monitored), columns "row", "action" and the monitored columns, rows in upstream's
// hash order of their UUIDs. Runs until a signal, the --timeout, or the server going away.

import { isJsonObject, type JsonObject, type JsonValue } from '../../core/json';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../../core/ovsdb/schema';
import { uuidType } from '../../core/ovsdb/schema/types';
import { parseCondition } from '../../core/ovsdb/txn';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { compareUtf8 } from '../../core/ovsdb/data/atom';
import { type Cell, inShashOrder, jsonCell, textCell } from '../../core/ovsdb/format';
import { type ClientContext, parseJsonArgument } from './client-context';
import type { ClientRpc } from './client-rpc';
import { ovsdbErrorText } from './tool-database';
import { fatal } from './tool-exit';

interface MonitorColumn {
  readonly name: string;
  readonly type: ColumnSchema['type'];
}

interface MonitoredTable {
  readonly table: TableSchema;
  readonly columns: MonitorColumn[];
}

type Version = 1 | 2 | 3;

const zeroUuid = '00000000-0000-0000-0000-000000000000';
const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function columnByName(table: TableSchema, name: string): MonitorColumn | undefined {
  if (name === '_uuid' || name === '_version') return { name, type: uuidType };
  const c = table.columnsByName.get(name);
  return c ? { name: c.name, type: c.type } : undefined;
}

/** Parses "COLUMN,...,!initial" arguments into a monitor request and the columns to print. */
function monitorRequests(server: string, database: string, table: TableSchema, specs: string[], condition: JsonValue | null): { mt: MonitoredTable; requests: JsonValue[] } {
  const columns: MonitorColumn[] = [];
  const add = (c: MonitorColumn): void => {
    if (columns.some((x) => x.name === c.name)) fatal(`${server}: column "${c.name}" mentioned multiple times`);
    columns.push(c);
  };
  const requests: JsonValue[] = (specs.length ? specs : ['']).map((spec, i) => {
    const select = { initial: true, insert: true, delete: true, modify: true };
    const names: string[] = [];
    for (const token of spec.split(',').filter((t) => t !== '')) {
      const flag = /^!(initial|insert|delete|modify)$/.exec(token);
      if (flag) {
        select[flag[1] as keyof typeof select] = false;
        continue;
      }
      const c = columnByName(table, token);
      if (!c) fatal(`${server}: table "${table.name}" in ${database} does not have a column named "${token}"`);
      add(c);
      names.push(c.name);
    }
    if (names.length === 0) {
      for (const c of [...table.columns].sort((a, b) => compareUtf8(a.name, b.name))) {
        add({ name: c.name, type: c.type });
        names.push(c.name);
      }
      add({ name: '_version', type: uuidType });
      names.push('_version');
    }
    const request: JsonObject = { columns: names };
    if (!select.initial || !select.insert || !select.delete || !select.modify) request.select = select;
    if (i === 0 && condition !== null) request.where = condition;
    return request;
  });
  return { mt: { table, columns }, requests };
}

function printRow(rows: Cell[][], row: JsonValue | undefined, action: string, uuid: string, mt: MonitoredTable, ctx: ClientContext): void {
  if (row === undefined || row === null) {
    ctx.io.stderr(`ovsdb-client: missing ${action} row\n`);
    return;
  }
  if (!isJsonObject(row)) {
    ctx.io.stderr('ovsdb-client: <row> is not object\n');
    return;
  }
  rows.push([
    textCell(uuid),
    textCell(action),
    ...mt.columns.map((c) => (Object.prototype.hasOwnProperty.call(row, c.name) ? jsonCell(row[c.name]!, c.type) : null)),
  ]);
}

function printUpdates(ctx: ClientContext, updates: JsonValue, mts: MonitoredTable[], version: Version, initial: boolean): void {
  if (!isJsonObject(updates)) {
    ctx.io.stderr(`ovsdb-client: <table-updates${version === 1 ? '' : '2'}> is not object\n`);
    return;
  }
  for (const mt of mts) {
    const tableUpdate = Object.prototype.hasOwnProperty.call(updates, mt.table.name) ? updates[mt.table.name] : undefined;
    if (tableUpdate === undefined) continue;
    if (!isJsonObject(tableUpdate)) {
      ctx.io.stderr(`ovsdb-client: <table-update> for table ${mt.table.name} is not object\n`);
      continue;
    }
    const rows: Cell[][] = [];
    for (const uuid of inShashOrder(Object.keys(tableUpdate))) {
      const update = tableUpdate[uuid]!;
      if (!isJsonObject(update)) {
        ctx.io.stderr(`ovsdb-client: <row-update${version === 1 ? '' : '2'}> is not object\n`);
        continue;
      }
      const member = (name: string): JsonValue | undefined => (Object.prototype.hasOwnProperty.call(update, name) ? update[name] : undefined);
      if (version === 1) {
        const oldRow = member('old');
        const newRow = member('new');
        if (initial) printRow(rows, newRow, 'initial', uuid, mt, ctx);
        else if (oldRow === undefined) printRow(rows, newRow, 'insert', uuid, mt, ctx);
        else if (newRow === undefined) printRow(rows, oldRow, 'delete', uuid, mt, ctx);
        else {
          printRow(rows, oldRow, 'old', uuid, mt, ctx);
          printRow(rows, newRow, 'new', '', mt, ctx);
        }
        continue;
      }
      for (const op of ['delete', 'initial', 'modify', 'insert']) {
        const row = member(op);
        if (row === undefined) continue;
        if (op === 'delete') {
          if (row !== null) ctx.io.stderr('ovsdb-client: delete method does not expect <row>\n');
          else rows.push([textCell(uuid), textCell(op), ...mt.columns.map(() => null)]);
        } else if (!isJsonObject(row)) {
          ctx.io.stderr('ovsdb-client: <row> is not object\n');
        } else {
          printRow(rows, row, op, uuid, mt, ctx);
        }
        break;
      }
    }
    ctx.printTable({
      caption: mts.length > 1 ? mt.table.name : null,
      timestampMs: ctx.options.timestamp ? ctx.io.nowMs() : null,
      headings: ['row', 'action', ...mt.columns.map((c) => c.name)],
      rows,
    });
  }
}

/** Resolves when the monitor ends because the server closed the connection (fatal, as upstream). */
async function runMonitor(ctx: ClientContext, rpc: ClientRpc, database: string, schema: DatabaseSchema, version: Version, args: string[], condition: JsonValue | null, lastId = zeroUuid): Promise<void> {
  const server = rpc.name;
  const tableName = args[0]!;
  const mts: MonitoredTable[] = [];
  const requests: JsonObject = {};
  if (tableName !== 'ALL') {
    const table = schema.tables.get(tableName);
    if (!table) fatal(`${server}: ${database} does not have a table named "${tableName}"`);
    const { mt, requests: r } = monitorRequests(server, database, table, args.slice(1), condition);
    mts.push(mt);
    requests[table.name] = r;
  } else {
    if (condition !== null) fatal('ALL tables are not allowed with condition');
    for (const table of [...schema.tables.values()].sort((a, b) => compareUtf8(a.name, b.name))) {
      const { mt, requests: r } = monitorRequests(server, database, table, args.slice(1), null);
      mts.push(mt);
      requests[table.name] = r;
    }
  }
  await ctx.sendDbChangeAware(rpc);
  let ended: (reason: string) => void = () => undefined;
  const closed = new Promise<string>((resolve) => (ended = resolve));
  rpc.onClosed((reason) => ended(reason));
  rpc.onNotification((n) => {
    const p = n.params;
    if (n.method === 'update' && p.length === 2 && p[0] === null) printUpdates(ctx, p[1]!, mts, 1, false);
    else if (n.method === 'update2' && version === 2 && p.length === 2 && p[0] === null) printUpdates(ctx, p[1]!, mts, 2, false);
    else if (n.method === 'update3' && version === 3 && p.length === 3 && p[0] === null) {
      ctx.io.stdout(`\nlast_id: ${typeof p[1] === 'string' ? p[1] : ''}`);
      printUpdates(ctx, p[2]!, mts, 3, false);
    }
    else if (n.method === 'monitor_canceled') {
      ctx.io.stderr(`ovsdb-client: ${server}: ${database} database was removed\n`);
      process.exit(1);
    }
  });
  const method = version === 1 ? 'monitor' : version === 2 ? 'monitor_cond' : 'monitor_cond_since';
  const params: JsonValue[] = [database, null, requests];
  if (version === 3) params.push(lastId);
  const reply = await rpc.request(method, params);
  if (reply.kind === 'result' && version !== 3) printUpdates(ctx, reply.result, mts, version, true);
  else if (reply.kind === 'result') {
    const r = reply.result;
    if (!Array.isArray(r)) ctx.io.stderr('ovsdb-client: <result> is not array\n');
    else {
      if (r.length !== 3) ctx.io.stderr(`ovsdb-client: <result> should have 3 elements, but has ${r.length}.\n`);
      ctx.io.stdout(`found: ${r[0] === true ? 'true' : 'false'}, last_id: ${typeof r[1] === 'string' ? r[1] : ''}\n`);
      printUpdates(ctx, r[2] ?? null, mts, 3, true);
    }
  }
  else if (reply.kind === 'closed') fatal(`${server}: receive failed (End of file)`);
  // An error reply is ignored by upstream too (it waits for a reply whose id matches a result).
  await closed;
  fatal(`${server}: receive failed (End of file)`);
}

export async function doMonitor(ctx: ClientContext, rpc: ClientRpc, database: string, args: string[]): Promise<void> {
  const schema = await ctx.fetchSchema(rpc, database);
  await runMonitor(ctx, rpc, database, schema, 1, args, null);
}

export async function doMonitorCond(ctx: ClientContext, rpc: ClientRpc, database: string, args: string[], version: 2 | 3 = 2, lastId = zeroUuid): Promise<void> {
  const schema = await ctx.fetchSchema(rpc, database);
  const table = schema.tables.get(args[1]!);
  if (!table) fatal(`${database} does not have a table named "${args[1]}"`);
  const condition = parseJsonArgument(args[0]!);
  if (!Array.isArray(condition)) fatal(`"${args[0]}": condition must be a JSON array`);
  try {
    parseCondition(table, condition as never, null);
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
  await runMonitor(ctx, rpc, database, schema, version, args.slice(1), condition, lastId);
}

/** `monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...` */
export async function doMonitorCondSince(ctx: ClientContext, rpc: ClientRpc, database: string, args: string[]): Promise<void> {
  let lastId = zeroUuid;
  if (uuidPattern.test(args[0]!)) {
    lastId = args[0]!.toLowerCase();
    args = args.slice(1);
  }
  await doMonitorCond(ctx, rpc, database, args, 3, lastId);
}
