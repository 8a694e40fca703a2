// `ovsdb-client`, compatible with upstream's (ovsdb-client(1)): same commands, arguments, defaults,
// output formats and error texts. Supported: list-dbs, get-schema, get-schema-version, get-schema-cksum,
// list-tables, list-columns, transact, query, dump, backup, monitor, monitor-cond, monitor-cond-since, lock,
// steal, unlock, wait, convert, needs-conversion, restore. Not supported (clear error): --detach;
// ssl and passive remotes; several remotes at once.

import { isJsonObject, type JsonValue } from '../../core/json';
import { columnTypeToJson } from '../../core/ovsdb/schema';
import { uuidType } from '../../core/ovsdb/schema/types';
import { type CellFormat, type TableFormat, type TableStyle, cellFormats, defaultTableStyle, jsonCell, jsonToText, tableFormats, textCell, upstreamColumnOrder, upstreamSchemaJson, upstreamTableOrder } from '../../core/ovsdb/format';
import { ClientContext, type ClientOptions, parseJsonArgument } from './client-context';
import { doBackup } from './client-backup';
import { doDump } from './client-dump';
import { doRestore } from './client-restore';
import { doWait } from './client-wait';
import { doLock } from './client-lock';
import { doMonitor, doMonitorCond, doMonitorCondSince } from './client-monitor';
import { ClientRpc } from './client-rpc';
import { getoptLong, type OptionSpec } from './getopt';
import { readSchemaFile } from './schema-file';
import { fatal } from './tool-exit';
import { type ToolIo, ovsRundir } from './tool-io';

type Need = 'none' | 'rpc' | 'database';

interface ClientCommand {
  readonly name: string;
  readonly need: Need;
  readonly min: number;
  readonly max: number;
  run(ctx: ClientContext, rpc: ClientRpc | null, database: string | null, args: string[]): Promise<void>;
}

const clientOptions: OptionSpec[] = [
  { long: 'help', short: 'h', argument: 'none' },
  { long: 'version', short: 'V', argument: 'none' },
  { long: 'timestamp', argument: 'none' },
  { long: 'force', argument: 'none' },
  { long: 'timeout', short: 't', argument: 'required' },
  { long: 'db-change-aware', argument: 'none' },
  { long: 'no-db-change-aware', argument: 'none' },
  { long: 'leader-only', argument: 'none' },
  { long: 'no-leader-only', argument: 'none' },
  { long: 'verbose', short: 'v', argument: 'optional' },
  { long: 'log-file', argument: 'optional' },
  { long: 'format', short: 'f', argument: 'required' },
  { long: 'data', short: 'd', argument: 'required' },
  { long: 'no-headings', argument: 'none' },
  { long: 'pretty', argument: 'none' },
  { long: 'bare', argument: 'none' },
  { long: 'max-column-width', argument: 'required' },
];

export const maxTimeoutSeconds = 4294967295;

function parseOptions(args: readonly string[], io: ToolIo): { options: ClientOptions; operands: string[]; exit: number | null } {
  const parsed = getoptLong(args, clientOptions);
  let style: TableStyle = { ...defaultTableStyle, format: 'table' };
  const options: ClientOptions = { style, timestamp: false, dbChangeAware: -1, timeoutSeconds: 0, force: false };
  for (const o of parsed.options) {
    const v = o.value ?? '';
    switch (o.name) {
      case 'help':
        io.stdout(clientUsage(io));
        return { options, operands: [], exit: 0 };
      case 'version':
        io.stdout('ovsdb-client (ovn-ts) compatible with Open vSwitch 3.1.0\n');
        return { options, operands: [], exit: 0 };
      case 'timestamp':
        options.timestamp = true;
        break;
      case 'force':
        options.force = true;
        break;
      case 'timeout': {
        const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
        if (!Number.isInteger(n) || n === 0 || n > maxTimeoutSeconds) fatal(`value ${v} on -t or --timeout is invalid`);
        options.timeoutSeconds = n;
        break;
      }
      case 'db-change-aware':
        options.dbChangeAware = 1;
        break;
      case 'no-db-change-aware':
        options.dbChangeAware = 0;
        break;
      case 'format':
        if (!tableFormats.includes(v as TableFormat)) fatal(`unknown output format "${v}"`);
        style = { ...style, format: v as TableFormat };
        break;
      case 'data':
        if (!cellFormats.includes(v as CellFormat)) fatal(`unknown data format "${v}"`);
        style = { ...style, cellFormat: v as CellFormat };
        break;
      case 'no-headings':
        style = { ...style, headings: false };
        break;
      case 'pretty':
        style = { ...style, pretty: true };
        break;
      case 'bare':
        style = { ...style, format: 'list', cellFormat: 'bare', headings: false };
        break;
      case 'max-column-width':
        // atoi(): leading digits (with sign), 0 when none.
        style = { ...style, maxColumnWidth: Number(/^\s*[-+]?[0-9]*/.exec(v)![0].trim() || '0') || 0 };
        break;
      default:
        break; // --[no-]leader-only, --verbose, --log-file: accepted, no effect here
    }
  }
  options.style = style;
  return { options, operands: parsed.operands, exit: null };
}

function isRemote(arg: string): boolean {
  return /^[A-Za-z]/.test(arg) && arg.includes(':');
}

/** Upstream's open_rpc for a single remote: picks the remote and (when needed) the database argument. */
async function openRpc(ctx: ClientContext, min: number, need: Need, args: string[], presetDatabase: string | null): Promise<{ rpc: ClientRpc; database: string | null; used: number }> {
  let used = 0;
  let remote = `unix:${ovsRundir(ctx.io.env)}/db.sock`;
  if (args.length > min && isRemote(args[0]!)) remote = args[used++]!;
  if (remote.includes(',')) fatal(`${remote}: several remotes at once are not supported by ovn-ts ovsdb-client`);
  const rpc = await ClientRpc.connect(remote);
  ctx.connections.push(rpc);
  let database = presetDatabase;
  if (need === 'database' && database === null) {
    const dbs = await ctx.fetchDbs(rpc);
    if (args.length - used > min && dbs.includes(args[used]!)) database = args[used++]!;
    else if (dbs.includes('Open_vSwitch')) database = 'Open_vSwitch';
    else {
      const candidates = dbs.filter((d) => !d.startsWith('_'));
      if (candidates.length !== 1) {
        rpc.close();
        fatal('could not find a default database, please specify a database name');
      }
      database = candidates[0]!;
    }
  }
  return { rpc, database, used };
}

async function transactCommand(ctx: ClientContext, args: string[], query: boolean): Promise<void> {
  const transaction = parseJsonArgument(args[args.length - 1]!);
  if (!Array.isArray(transaction)) fatal('not a valid OVSDB query');
  let request: JsonValue[] = transaction;
  if (query) request = [...transaction, { op: 'abort' }];
  if (request.length === 0 || typeof request[0] !== 'string') fatal('not a valid OVSDB query');
  const { rpc } = await openRpc(ctx, 1, 'database', args, request[0] as string);
  if (ctx.options.dbChangeAware === 1) await ctx.sendDbChangeAware(rpc);
  let result = ctx.check(await rpc.request('transact', request));
  rpc.close();
  if (query && Array.isArray(result)) {
    // If the appended "abort" ended the transaction, drop its result.
    const abortIndex = request.length - 2;
    const last = result[abortIndex];
    if (result.length === abortIndex + 1 && isJsonObject(last ?? null) && (last as { error?: unknown }).error === 'aborted') {
      result = result.slice(0, abortIndex);
    }
  }
  ctx.printJson(result);
}

/** `convert [SERVER] SCHEMA` and `needs-conversion [SERVER] SCHEMA`, for the database SCHEMA names. */
async function schemaCommand(ctx: ClientContext, args: string[], convert: boolean): Promise<void> {
  const schema = readSchemaFile(args[args.length - 1]!);
  const { rpc } = await openRpc(ctx, 1, 'database', args, schema.name);
  const schemaJson = upstreamSchemaJson(schema);
  if (!convert) {
    const current = await ctx.fetchSchema(rpc, schema.name);
    const same = jsonToText(upstreamSchemaJson(current), { sort: true }) === jsonToText(schemaJson, { sort: true });
    ctx.io.stdout(same ? 'no\n' : 'yes\n');
    return;
  }
  await ctx.sendDbChangeAware(rpc);
  ctx.check(await rpc.request('convert', [schema.name, schemaJson]));
}

const commands: ClientCommand[] = [
  {
    name: 'list-dbs', need: 'rpc', min: 0, max: 0,
    run: async (ctx, rpc) => {
      for (const db of await ctx.fetchDbs(rpc!)) ctx.io.stdout(`${db}\n`);
    },
  },
  {
    name: 'get-schema', need: 'database', min: 0, max: 0,
    run: async (ctx, rpc, db) => ctx.printJson(upstreamSchemaJson(await ctx.fetchSchema(rpc!, db!))),
  },
  {
    name: 'get-schema-version', need: 'database', min: 0, max: 0,
    run: async (ctx, rpc, db) => ctx.io.stdout(`${(await ctx.fetchSchema(rpc!, db!)).version}\n`),
  },
  {
    name: 'get-schema-cksum', need: 'database', min: 0, max: 0,
    run: async (ctx, rpc, db) => ctx.io.stdout(`${(await ctx.fetchSchema(rpc!, db!)).cksum ?? ''}\n`),
  },
  {
    name: 'list-tables', need: 'database', min: 0, max: 0,
    run: async (ctx, rpc, db) => {
      const schema = await ctx.fetchSchema(rpc!, db!);
      ctx.printTable({ headings: ['Table'], rows: upstreamTableOrder(schema).map((t) => [textCell(t)]) });
    },
  },
  {
    name: 'list-columns', need: 'database', min: 0, max: 1,
    run: async (ctx, rpc, db, args) => {
      const schema = await ctx.fetchSchema(rpc!, db!);
      const only = args[0];
      const rows = [];
      for (const tableName of upstreamTableOrder(schema)) {
        if (only !== undefined && only !== tableName) continue;
        const table = schema.tables.get(tableName)!;
        for (const columnName of upstreamColumnOrder(table)) {
          const type = columnName.startsWith('_') ? uuidType : table.columnsByName.get(columnName)!.type;
          const cells = [textCell(columnName), jsonCell(columnTypeToJson(type) as JsonValue)];
          rows.push(only === undefined ? [textCell(tableName), ...cells] : cells);
        }
      }
      ctx.printTable({ headings: only === undefined ? ['Table', 'Column', 'Type'] : ['Column', 'Type'], rows });
    },
  },
  { name: 'transact', need: 'none', min: 1, max: 2, run: (ctx, _rpc, _db, args) => transactCommand(ctx, args, false) },
  { name: 'query', need: 'none', min: 1, max: 2, run: (ctx, _rpc, _db, args) => transactCommand(ctx, args, true) },
  { name: 'monitor', need: 'database', min: 1, max: Infinity, run: (ctx, rpc, db, args) => doMonitor(ctx, rpc!, db!, args) },
  { name: 'monitor-cond', need: 'database', min: 2, max: 3, run: (ctx, rpc, db, args) => doMonitorCond(ctx, rpc!, db!, args) },
  { name: 'monitor-cond-since', need: 'database', min: 2, max: 4, run: (ctx, rpc, db, args) => doMonitorCondSince(ctx, rpc!, db!, args) },
  { name: 'backup', need: 'database', min: 0, max: 0, run: (ctx, rpc, db) => doBackup(ctx, rpc!, db!) },
  { name: 'convert', need: 'none', min: 1, max: 2, run: (ctx, _rpc, _db, args) => schemaCommand(ctx, args, true) },
  { name: 'needs-conversion', need: 'none', min: 1, max: 2, run: (ctx, _rpc, _db, args) => schemaCommand(ctx, args, false) },
  { name: 'wait', need: 'none', min: 2, max: 3, run: (ctx, _rpc, _db, args) => doWait(ctx, args) },
  { name: 'restore', need: 'database', min: 0, max: 0, run: (ctx, rpc, db) => doRestore(ctx, rpc!, db!, ctx.options.force) },
  { name: 'dump', need: 'database', min: 0, max: Infinity, run: (ctx, rpc, db, args) => doDump(ctx, rpc!, db!, args) },
  { name: 'lock', need: 'rpc', min: 1, max: 1, run: (ctx, rpc, _db, args) => doLock(ctx, rpc!, 'lock', args[0]!) },
  { name: 'steal', need: 'rpc', min: 1, max: 1, run: (ctx, rpc, _db, args) => doLock(ctx, rpc!, 'steal', args[0]!) },
  { name: 'unlock', need: 'rpc', min: 1, max: 1, run: (ctx, rpc, _db, args) => doLock(ctx, rpc!, 'unlock', args[0]!) },
];

export function clientUsage(io: ToolIo): string {
  return `ovsdb-client: Open vSwitch database JSON-RPC client (ovn-ts)
usage: ovsdb-client [OPTIONS] COMMAND [ARG...]

Valid commands are:

  list-dbs [SERVER]
    list databases available on SERVER

  get-schema [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER

  get-schema-version [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    version number on stdout

  get-schema-cksum [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    checksum on stdout

  list-tables [SERVER] [DATABASE]
    list tables for DATABASE on SERVER

  list-columns [SERVER] [DATABASE] [TABLE]
    list columns in TABLE (or all tables) in DATABASE on SERVER

  transact [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER
    and print the results as JSON on stdout

  query [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER,
    as read-only, and print the results as JSON on stdout

  monitor [SERVER] [DATABASE] TABLE [COLUMN,...]...
    monitor contents of COLUMNs in TABLE in DATABASE on SERVER.
    COLUMNs may include !initial, !insert, !delete, !modify
    to avoid seeing the specified kinds of changes.

  monitor-cond [SERVER] [DATABASE] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER.

  monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER, since change after LASTID.

  monitor [SERVER] [DATABASE] ALL
    monitor all changes to all columns in all tables

  convert [SERVER] SCHEMA
    convert database on SERVER named in SCHEMA to SCHEMA.

  needs-conversion [SERVER] SCHEMA
    tests whether SCHEMA's db on SERVER needs conversion.

  wait [SERVER] DATABASE STATE
    wait until DATABASE reaches STATE ("added" or "connected" or "removed")
    in DATBASE on SERVER.

  dump [SERVER] [DATABASE]
    dump contents of DATABASE on SERVER to stdout

  backup [SERVER] [DATABASE] > SNAPSHOT
    dump database contents in the form of a database file

  [--force] restore [SERVER] [DATABASE] < SNAPSHOT
    restore database contents from a database file

  lock [SERVER] LOCK
    create or wait for LOCK in SERVER

  steal [SERVER] LOCK
    steal LOCK from SERVER

  unlock [SERVER] LOCK
    unlock LOCK from SERVER

The default SERVER is unix:${ovsRundir(io.env)}/db.sock.
The default DATABASE is Open_vSwitch.

Output formatting options:
  -f, --format=FORMAT         set output formatting to FORMAT
                              ("table", "html", "csv", or "json")
  -d, --data=FORMAT           set table cell output formatting to
                              FORMAT ("string", "bare", or "json")
  --no-headings               omit table heading row
  --pretty                    pretty-print JSON in output
  --bare                      equivalent to "--format=list --data=bare --no-headings"
  --timestamp                 timestamp "monitor" output
  -t, --timeout=SECS          give up (as if killed by SIGALRM) after SECS seconds

Other options:
  -h, --help                  display this help message
  -V, --version               display version information
`;
}

/**
 * Runs `ovsdb-client ARGS...`. Resolves with the exit status; fatal errors reject with ToolExit.
 * `onTimeout` is called when --timeout is given, with the number of seconds, so the caller can arm it.
 */
export async function runOvsdbClient(args: readonly string[], io: ToolIo, onTimeout: (seconds: number) => void = () => undefined): Promise<number> {
  const { options, operands, exit } = parseOptions(args, io);
  if (exit !== null) return exit;
  if (options.timeoutSeconds > 0) onTimeout(options.timeoutSeconds);
  const ctx = new ClientContext(io, options);
  const [name, ...rest] = operands;
  if (name === undefined) fatal('missing command name; use --help for help');
  if (name === 'help') {
    io.stdout(clientUsage(io));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) fatal(`unknown command '${name}'; use --help for help`);
  let rpc: ClientRpc | null = null;
  let database: string | null = null;
  let commandArgs = rest;
  try {
    if (command.need !== 'none') {
      const opened = await openRpc(ctx, command.min, command.need, rest, null);
      rpc = opened.rpc;
      database = opened.database;
      commandArgs = rest.slice(opened.used);
    }
    if (commandArgs.length < command.min || commandArgs.length > command.max) {
      fatal(`invalid syntax for '${command.name}' (use --help for help)`);
    }
    await command.run(ctx, rpc, database, commandArgs);
  } finally {
    for (const c of ctx.connections) c.close();
  }
  return 0;
}
