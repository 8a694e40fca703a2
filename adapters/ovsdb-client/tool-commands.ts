// `ovsdb-tool` for standalone databases, compatible with upstream's (ovsdb-tool(1)): same commands,
// arguments, defaults, output and error texts. Clustered databases and conversion are not supported.

import * as fs from 'node:fs';
import { DatabaseLog, LogError } from '../../core/ovsdb/log';
import { parseDatabaseSchema } from '../../core/ovsdb/schema';
import { executeTransaction } from '../../core/ovsdb/txn';
import { datumFromJson, datumToString } from '../../core/ovsdb/data/datum';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/json';
import { formatTimestamp, inShashOrder, jsonToText, upstreamSchemaJson } from '../../core/ovsdb/format';
import { getoptLong, type OptionSpec } from './getopt';
import { checkNotLocked } from './lockfile';
import { readSchemaFile } from './schema-file';
import { changeSetRecord, checkFile, openDatabase, openLog, ovsdbErrorText, snapshotRecord, storageFor, errnoMessage } from './tool-database';
import { readLogRecordsUntilError } from './upstream-log-reader';
import { fatal } from './tool-exit';
import { type ToolIo, ovsDbdir, ovsPkgdatadir } from './tool-io';
import { parseUpstreamJson } from './upstream-json';

export const upstreamToolVersion = '3.1.0';

const toolOptions: OptionSpec[] = [
  { long: 'more', short: 'm', argument: 'none' },
  { long: 'rbac-role', argument: 'required' },
  { long: 'cid', argument: 'required' },
  { long: 'election-timer', argument: 'required' },
  { long: 'verbose', short: 'v', argument: 'optional' },
  { long: 'help', short: 'h', argument: 'none' },
  { long: 'option', short: 'o', argument: 'none' },
  { long: 'version', short: 'V', argument: 'none' },
];

interface ToolContext {
  readonly io: ToolIo;
  readonly args: string[];
  readonly verbosity: number;
  defaultDb(): string;
  defaultSchema(): string;
}

interface ToolCommand {
  readonly name: string;
  readonly usage: string;
  readonly min: number;
  readonly max: number;
  run(ctx: ToolContext): void;
}

function parseJsonArgument(text: string): JsonValue {
  const parsed = parseUpstreamJson(text);
  if (!parsed.ok) fatal(`"${text}": ${parsed.error}`);
  return parsed.value;
}

function printJson(io: ToolIo, value: JsonValue): void {
  io.stdout(jsonToText(value, { sort: true }) + '\n');
}

function doCreate(ctx: ToolContext): void {
  const dbFile = ctx.args[0] ?? ctx.defaultDb();
  const schema = readSchemaFile(ctx.args[1] ?? ctx.defaultSchema());
  checkNotLocked(dbFile, ctx.io);
  if (fs.existsSync(dbFile)) fatal(`I/O error: ${dbFile}: create failed (File exists)`);
  const { storage, name } = storageFor(dbFile);
  try {
    DatabaseLog.create(storage, name, upstreamSchemaJson(schema));
  } catch (e) {
    if (e instanceof LogError) fatal(`I/O error: ${dbFile}: create failed (${e.problem})`);
    throw e;
  }
  fs.chmodSync(dbFile, 0o640); // upstream creates database files rw-r-----
}

function doCompact(ctx: ToolContext): void {
  const dbFile = ctx.args[0] ?? ctx.defaultDb();
  const target = ctx.args[1];
  checkNotLocked(target ?? dbFile, ctx.io, 'compact');
  const opened = openDatabase(dbFile, ctx.io.random, { writable: target === undefined });
  const schemaJson = upstreamSchemaJson(opened.schema);
  const record = snapshotRecord(opened.db, `compacted by ovn-ts ovsdb-tool (upstream ${upstreamToolVersion} format)`, ctx.io.nowMs());
  if (target === undefined) {
    opened.log!.compact(schemaJson, record);
    fs.chmodSync(dbFile, 0o640); // as upstream's rewritten file
    return;
  }
  const { storage, name } = storageFor(target);
  storage.remove(name);
  const log = DatabaseLog.create(storage, name, schemaJson);
  log.append(record, { durable: true });
  fs.chmodSync(target, 0o640);
}

function doDbField(field: 'name' | 'version' | 'cksum') {
  return (ctx: ToolContext): void => {
    const { schema } = openSchemaOnly(ctx.args[0] ?? ctx.defaultDb());
    ctx.io.stdout(`${field === 'name' ? schema.name : field === 'version' ? schema.version : schema.cksum ?? ''}\n`);
  };
}

function doSchemaField(field: 'name' | 'version' | 'cksum') {
  return (ctx: ToolContext): void => {
    const schema = readSchemaFile(ctx.args[0] ?? ctx.defaultSchema());
    ctx.io.stdout(`${field === 'name' ? schema.name : field === 'version' ? schema.version : schema.cksum ?? ''}\n`);
  };
}

function doDbIs(model: 'clustered' | 'standalone') {
  return (ctx: ToolContext): void => {
    const file = ctx.args[0]!;
    let head = '';
    try {
      const fd = fs.openSync(file, 'r');
      const b = Buffer.alloc(16);
      head = b.subarray(0, fs.readSync(fd, b, 0, 16, 0)).toString('latin1');
      fs.closeSync(fd);
    } catch (e) {
      fatal(`I/O error: ${file}: open failed (${errnoMessage(e)})`);
    }
    const isClustered = head.startsWith('OVSDB CLUSTER');
    if (!isClustered && !head.startsWith('OVSDB JSON')) fatal(`ovsdb error: ${file}: unexpected file format`);
    if (isClustered !== (model === 'clustered')) throw new ExitStatus(2);
  };
}

/** The schema record alone (upstream's db-name/db-version/db-cksum read nothing further). */
function openSchemaOnly(file: string): { schema: ReturnType<typeof parseDatabaseSchema> } {
  checkFile(file);
  const { records, error } = readLogRecordsUntilError(new Uint8Array(fs.readFileSync(file)), file);
  if (records.length === 0) fatal(error ?? `ovsdb error: ${file}: database file contains no schema`);
  try {
    return { schema: parseDatabaseSchema(records[0]!.json as never) };
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
}

/** A command's non-error exit status other than 0 (db-is-clustered answers "no" with status 2). */
export class ExitStatus extends Error {
  constructor(readonly status: number) {
    super(`exit status ${status}`);
  }
}

const notSupported: JsonObject = { details: 'triggers not supported', error: 'not supported' };

function transact(ctx: ToolContext, readWrite: boolean): void {
  const dbFile = ctx.args.length >= 2 ? ctx.args[0]! : ctx.defaultDb();
  if (readWrite && fs.existsSync(dbFile)) checkNotLocked(dbFile, ctx.io);
  const opened = openDatabase(dbFile, ctx.io.random, { writable: readWrite });
  const request = parseJsonArgument(ctx.args[ctx.args.length - 1]!);
  let outcome = executeTransaction(opened.db, request, { random: ctx.io.random });
  if (outcome.kind === 'blocked') {
    // Upstream's ovsdb-tool has no triggers: a "wait" that does not hold yet fails at once with "not
    // supported". Run the request again with every wait's timeout at 0, so the first one that does not
    // hold fails ("timed out") at its position, and report that error as upstream does.
    const immediate = (request as JsonValue[]).map((op) => (isJsonObject(op) && op.op === 'wait' ? { ...op, timeout: 0 } : op));
    outcome = executeTransaction(opened.db, immediate, { random: ctx.io.random });
    const results = outcome.kind === 'done' && Array.isArray(outcome.result) ? [...(outcome.result as JsonValue[])] : [];
    const i = results.findIndex((r) => isJsonObject(r) && r.error === 'timed out');
    if (i < 0) throw new Error('ovsdb-tool: a blocked transaction did not time out when its waits were made immediate');
    results[i] = notSupported;
    printJson(ctx.io, results);
    return;
  }
  let result = outcome.result as JsonValue;
  const cs = outcome.changeSet;
  if (cs && cs.changes.length) {
    const record = changeSetRecord(cs, ctx.io.nowMs());
    if (record) {
      if (!readWrite) {
        // Upstream opens the file read-only for "query" and its commit fails like this.
        const error: JsonObject = { details: `${dbFile}: cannot truncate to length ${opened.sizeBytes}`, error: 'I/O error', 'io-error': 'Invalid argument' };
        result = [...(result as JsonValue[]), error];
      } else {
        try {
          opened.log!.append(record, { durable: true });
        } catch (e) {
          if (e instanceof LogError) result = [...(result as JsonValue[]), { details: e.message, error: 'I/O error' }];
          else throw e;
        }
      }
    }
  }
  printJson(ctx.io, result);
}

/** `show-log`: one line per record, and with -m/-mm the rows (and columns) each record changes. */
function doShowLog(ctx: ToolContext): void {
  const file = ctx.args[0] ?? ctx.defaultDb();
  checkFile(file);
  // Like upstream, print every good record, then fail on the first bad one.
  const { records: all, error } = readLogRecordsUntilError(new Uint8Array(fs.readFileSync(file)), file);
  const out: string[] = [];
  const finish = (): void => {
    ctx.io.stdout(out.join(''));
    if (error !== null) fatal(error);
  };
  const [first, ...records] = all;
  if (!first) return finish();
  let schema: ReturnType<typeof parseDatabaseSchema>;
  try {
    schema = parseDatabaseSchema(first.json as never);
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
  out.push(`record 0: "${schema.name}" schema, version="${schema.version}", cksum="${schema.cksum ?? ''}"\n`, '\n');
  const names = new Map<string, string>();
  records.forEach((record, i) => {
    out.push(`record ${i + 1}:`);
    const json = record.json;
    if (isJsonObject(json)) {
      const date = json._date;
      if (typeof date === 'number' && Number.isInteger(date)) out.push(' ' + formatTimestamp(date < 2147483647 ? date * 1000 : date));
      if (typeof json._comment === 'string') out.push(` "${json._comment}"`);
      if (ctx.verbosity > 0) printChanges(json, schema, names, ctx.verbosity, out);
    }
    out.push('\n');
  });
  finish();
}

function printChanges(record: JsonObject, schema: ReturnType<typeof parseDatabaseSchema>, names: Map<string, string>, verbosity: number, out: string[]): void {
  const diff = record._is_diff === true;
  let printed = 0;
  for (const table of inShashOrder(Object.keys(record))) {
    const rows = record[table]!;
    if (table.startsWith('_') || !isJsonObject(rows)) continue;
    if (printed++ === 0) out.push('\n');
    const tableSchema = schema.tables.get(table);
    for (const uuid of inShashOrder(Object.keys(rows))) {
      const columns = rows[uuid]!;
      const oldName = names.get(uuid);
      const newName = isJsonObject(columns) && columns.name !== undefined ? jsonToText(columns.name, { sort: true }) : null;
      const short = uuid.slice(0, 8);
      if (oldName === undefined) out.push(newName !== null ? `  table ${table} insert row ${newName} (${short}):\n` : `  table ${table} insert row ${short}:\n`);
      else out.push(`  table ${table} row ${oldName} (${short})${diff ? ' diff' : ''}:\n`);
      if (isJsonObject(columns)) {
        if (verbosity > 1) {
          for (const column of inShashOrder(Object.keys(columns))) {
            const value = columns[column]!;
            const type = tableSchema?.columnsByName.get(column)?.type;
            let text: string | null = null;
            if (type) {
              try {
                text = datumToString(datumFromJson(value as never, type, null), type);
              } catch (e) {
                if (!(e instanceof OvsdbError)) throw e;
              }
            }
            out.push(`    ${column}=${text ?? jsonToText(value, { sort: true })}\n`);
          }
        }
        if (newName !== null && (oldName === undefined || oldName !== newName)) names.set(uuid, newName);
        else if (oldName === undefined) names.set(uuid, short);
      } else if (columns === null) {
        out.push('    delete row\n');
        names.delete(uuid);
      }
    }
  }
}

function parseVersion(s: string): [number, number, number] {
  // ovs_scan("%u.%u.%u%n") and nothing after.
  const m = /^\s*\+?(\d+)\.\s*\+?(\d+)\.\s*\+?(\d+)$/.exec(s);
  if (!m) fatal(`${s}: not an OVSDB version number in format x.y.z`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function doCompareVersions(ctx: ToolContext): void {
  const a = parseVersion(ctx.args[0]!);
  const b = parseVersion(ctx.args[2]!);
  const cmp = a[0] !== b[0] ? Math.sign(a[0] - b[0]) : a[1] !== b[1] ? Math.sign(a[1] - b[1]) : Math.sign(a[2] - b[2]);
  const ops: Record<string, boolean> = { '<': cmp < 0, '<=': cmp <= 0, '==': cmp === 0, '>=': cmp >= 0, '>': cmp > 0, '!=': cmp !== 0 };
  const op = ctx.args[1]!;
  if (!(op in ops)) fatal(`${op}: not a relational operator`);
  if (!ops[op]) throw new ExitStatus(2);
}

/** `needs-conversion [DB [SCHEMA]]`: "yes" unless the file's schema equals SCHEMA (as upstream compares them). */
function doNeedsConversion(ctx: ToolContext): void {
  const { schema: inFile } = openLog(ctx.args[0] ?? ctx.defaultDb(), { writable: false });
  const wanted = readSchemaFile(ctx.args[1] ?? ctx.defaultSchema());
  const text = (s: typeof inFile): string => jsonToText(upstreamSchemaJson(s), { sort: true });
  ctx.io.stdout(text(inFile) === text(wanted) ? 'no\n' : 'yes\n');
}

const commands: ToolCommand[] = [
  { name: 'create', usage: '[db [schema]]', min: 0, max: 2, run: doCreate },
  { name: 'compact', usage: '[db [dst]]', min: 0, max: 2, run: doCompact },
  { name: 'db-name', usage: '[db]', min: 0, max: 1, run: doDbField('name') },
  { name: 'db-version', usage: '[db]', min: 0, max: 1, run: doDbField('version') },
  { name: 'db-cksum', usage: '[db]', min: 0, max: 1, run: doDbField('cksum') },
  { name: 'db-is-clustered', usage: 'db', min: 1, max: 1, run: doDbIs('clustered') },
  { name: 'db-is-standalone', usage: 'db', min: 1, max: 1, run: doDbIs('standalone') },
  { name: 'schema-name', usage: '[schema]', min: 0, max: 1, run: doSchemaField('name') },
  { name: 'schema-version', usage: '[schema]', min: 0, max: 1, run: doSchemaField('version') },
  { name: 'schema-cksum', usage: '[schema]', min: 0, max: 1, run: doSchemaField('cksum') },
  { name: 'query', usage: '[db] trns', min: 1, max: 2, run: (ctx) => transact(ctx, false) },
  { name: 'transact', usage: '[db] trns', min: 1, max: 2, run: (ctx) => transact(ctx, true) },
  { name: 'show-log', usage: '[db]', min: 0, max: 1, run: doShowLog },
  { name: 'needs-conversion', usage: '[db [schema]]', min: 0, max: 2, run: doNeedsConversion },
  { name: 'compare-versions', usage: 'a op b', min: 3, max: 3, run: doCompareVersions },
];

/** Upstream commands we do not implement: clustered databases and schema conversion. */
const unsupportedCommands = ['create-cluster', 'join-cluster', 'convert', 'db-cid', 'db-sid', 'db-local-address', 'check-cluster', 'cluster-to-standalone', 'list-commands'];

export function toolUsage(io: ToolIo, program: string): string {
  const db = `${ovsDbdir(io.env)}/conf.db`;
  const schema = `${ovsPkgdatadir(io.env)}/vswitch.ovsschema`;
  return `${program}: Open vSwitch database management utility (ovn-ts, standalone databases)
usage: ${program} [OPTIONS] COMMAND [ARG...]
  create [DB [SCHEMA]]    create DB with the given SCHEMA
  compact [DB [DST]]      compact DB in-place (or to DST)
  db-name [DB]            report name of schema used by DB
  db-version [DB]         report version of schema used by DB
  db-cksum [DB]           report checksum of schema used by DB
  db-is-clustered DB      test whether DB is clustered
  db-is-standalone DB     test whether DB is standalone
  schema-name [SCHEMA]    report SCHEMA's name
  schema-version [SCHEMA] report SCHEMA's schema version
  schema-cksum [SCHEMA]   report SCHEMA's checksum
  query [DB] TRNS         execute read-only transaction on DB
  transact [DB] TRNS      execute read/write transaction on DB
  needs-conversion [DB [SCHEMA]]  does DB need conversion to SCHEMA?
  compare-versions A OP B  compare OVSDB schema version numbers
  [-m]... show-log [DB]   print DB's log entries
The default DB is ${db}.
The default SCHEMA is ${schema}.

Other options:
  -m, --more                  increase show-log verbosity
  -h, --help                  display this help message
  -V, --version               display version information
`;
}

/** Runs `ovsdb-tool ARGS...`; returns the exit status. Fatal errors print "ovsdb-tool: ..." on stderr. */
export function runOvsdbTool(args: readonly string[], io: ToolIo): number {
  const parsed = getoptLong(args, toolOptions);
  let verbosity = 0;
  for (const o of parsed.options) {
    switch (o.name) {
      case 'more':
        verbosity++;
        break;
      case 'help':
        io.stdout(toolUsage(io, 'ovsdb-tool'));
        return 0;
      case 'version':
        io.stdout(`ovsdb-tool (ovn-ts) compatible with Open vSwitch ${upstreamToolVersion}\n`);
        return 0;
      case 'option':
        for (const spec of toolOptions) io.stdout(`--${spec.long}${spec.argument === 'required' ? '=ARG' : spec.argument === 'optional' ? '[=ARG]' : ''}\n`);
        return 0;
      case 'cid':
      case 'election-timer':
        fatal(`--${o.name} applies to clustered databases, which ovn-ts ovsdb-tool does not support`);
        break;
      default:
        break; // --verbose and --rbac-role are accepted; RBAC does not apply to local files without a role table
    }
  }
  const [name, ...rest] = parsed.operands;
  if (name === undefined) fatal('missing command name; use --help for help');
  if (name === 'help') {
    io.stdout(toolUsage(io, 'ovsdb-tool'));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command && unsupportedCommands.includes(name)) fatal(`command '${name}' is not supported by ovn-ts ovsdb-tool (standalone databases only; no conversion)`);
  if (!command) fatal(`unknown command '${name}'; use --help for help`);
  if (rest.length < command.min) fatal(`'${name}' command requires at least ${command.min} arguments`);
  if (rest.length > command.max) fatal(`'${name}' command takes at most ${command.max} arguments`);
  try {
    command.run({
      io,
      args: rest,
      verbosity,
      defaultDb: () => `${ovsDbdir(io.env)}/conf.db`,
      defaultSchema: () => `${ovsPkgdatadir(io.env)}/vswitch.ovsschema`,
    });
  } catch (e) {
    if (e instanceof ExitStatus) return e.status;
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
  return 0;
}
