// ovsdb-tool's view of a standalone database file: read it into the transaction engine's Database,
// and turn a committed ChangeSet into the transaction record upstream's ovsdb-server/ovsdb-tool write
// ("_is_diff" rows: new rows with their non-default columns, deleted rows null, modified rows with the
// changed columns: new value for scalars, toggled elements for sets, changed pairs for maps).
// Error texts are upstream's, so scripts that match on them keep working.

import * as nodePath from 'node:path';
import * as fs from 'node:fs';
import type { Random } from '../../core/runtime/random';
import { DatabaseLog, LogError, replayRecords, type LogRecord } from '../../core/ovsdb/log';
import { type DatabaseSchema, parseDatabaseSchema, type ColumnSchema, type ColumnType, type TableSchema } from '../../core/ovsdb/schema';
import { Database, makeRow, type ChangeSet, type Row } from '../../core/ovsdb/txn';
import { compareAtoms, indexOfAtom } from '../../core/ovsdb/data/atom';
import { type Datum, datumEquals, datumFromJson, datumToJson, defaultDatum } from '../../core/ovsdb/data/datum';
import { OvsdbError } from '../../core/ovsdb/data/error';
import type { JsonObject, JsonValue } from '../../core/json';
import { inUpstreamObjectOrder, upstreamColumnOrder, upstreamTableOrder } from '../../core/ovsdb/format';
import { NodeStorage } from '../node/node-storage';
import { fatal } from './tool-exit';
import { checkLogStart, readLogRecords } from './upstream-log-reader';

/** Upstream's ovsdb_error_to_string: `syntax "<json>": <tag>: <details>`, parts omitted when absent. */
export function ovsdbErrorText(e: OvsdbError, detailsPrefix = ''): string {
  const details = e.details === undefined ? '' : `: ${detailsPrefix}${e.details}`;
  return `${e.syntax === undefined ? '' : `syntax "${e.syntax}": `}${e.tag}${details}`;
}

const errnoText: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
};

/** strerror() text for a Node fs error. */
export function errnoMessage(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && errnoText[code] ? errnoText[code]! : e instanceof Error ? e.message : String(e);
}

/** A Storage rooted at the file's directory, and the file's name in it. */
export function storageFor(file: string): { storage: NodeStorage; name: string } {
  const abs = nodePath.resolve(file);
  return { storage: new NodeStorage(nodePath.dirname(abs)), name: nodePath.basename(abs) };
}

export interface OpenedDatabase {
  readonly file: string;
  /** Null when opened read-only. */
  readonly log: DatabaseLog | null;
  readonly schemaJson: JsonValue;
  readonly schema: DatabaseSchema;
  readonly records: LogRecord[];
  readonly db: Database;
  readonly sizeBytes: number;
}

/** Checks that `file` can be opened and starts like a standalone OVSDB file, with upstream's messages. */
export function checkFile(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    fatal(`I/O error: ${file}: open failed (${errnoMessage(e)})`);
  }
  try {
    const head = Buffer.alloc(128);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    checkLogStart(new Uint8Array(head.subarray(0, n)), file);
  } finally {
    fs.closeSync(fd);
  }
}

function parseSchemaRecord(json: JsonValue): DatabaseSchema {
  try {
    return parseDatabaseSchema(json as never);
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
}

/**
 * Reads the file's schema record and transaction records as upstream's ovsdb-tool does (any bad record,
 * including a torn last one, is an error with upstream's message; the file is never modified by reading).
 * A writable open also returns the DatabaseLog to append to.
 */
export function openLog(file: string, options: { writable: boolean }): { log: DatabaseLog | null; schemaJson: JsonValue; schema: DatabaseSchema; records: LogRecord[] } {
  checkFile(file);
  const [first, ...records] = readLogRecords(new Uint8Array(fs.readFileSync(file)), file);
  if (!first) fatal(`ovsdb error: ${file}: database file contains no schema`);
  const schema = parseSchemaRecord(first.json);
  if (!options.writable) return { log: null, schemaJson: first.json, schema, records };
  const { storage, name } = storageFor(file);
  try {
    const opened = DatabaseLog.open(storage, name);
    return { log: opened.log, schemaJson: first.json, schema, records };
  } catch (e) {
    if (e instanceof LogError) fatal(`ovsdb error: ${e.message.replace(`${name}:`, `${file}:`)}`);
    throw e;
  }
}

/** Opens the file and replays it into a Database (row versions are fresh UUIDs, as upstream's are). */
export function openDatabase(file: string, random: Random, options: { writable: boolean }): OpenedDatabase {
  const { log, schemaJson, schema, records } = openLog(file, options);
  let content;
  try {
    content = replayRecords(schemaJson, records, file);
  } catch (e) {
    if (e instanceof LogError) fatal(`ovsdb error: ${e.message}`);
    throw e;
  }
  const db = new Database(schema);
  const changes: ChangeSet['changes'][number][] = [];
  const version = (): string => uuidFromBytes(random.bytes(16));
  for (const table of schema.tables.values()) {
    for (const [uuid, rowJson] of content.get(table.name) ?? []) {
      const values = table.columns.map((c) => {
        const json = Object.prototype.hasOwnProperty.call(rowJson, c.name) ? rowJson[c.name]! : undefined;
        if (json === undefined) return defaultDatum(c.type);
        try {
          return datumFromJson(json as never, c.type, null);
        } catch (e) {
          if (e instanceof OvsdbError) fatal(`${file}: table ${table.name} row ${uuid} column ${c.name}: ${ovsdbErrorText(e)}`);
          throw e;
        }
      });
      changes.push({ table, uuid, old: null, new: makeRow(uuid, version(), values), changedColumns: null });
    }
  }
  if (changes.length) db.apply({ baseGeneration: 0, changes, comments: [], durable: false, onlyEphemeral: false });
  return { file, log, schemaJson, schema, records, db, sizeBytes: log?.size ?? fs.statSync(file).size };
}

function uuidFromBytes(b: Uint8Array): string {
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isComposite(type: ColumnType): boolean {
  return type.max > 1;
}

/** Upstream's ovsdb_datum_diff for a composite column: toggled set elements / changed map pairs. */
export function datumDiff(old: Datum, next: Datum, type: ColumnType): Datum {
  const kt = type.key.type;
  const keys: Datum['keys'][number][] = [];
  const values: Datum['keys'][number][] | null = type.value === null ? null : [];
  for (let i = 0; i < old.keys.length; i++) {
    if (indexOfAtom(next.keys, old.keys[i]!, kt) < 0) {
      keys.push(old.keys[i]!);
      values?.push(old.values![i]!);
    }
  }
  for (let i = 0; i < next.keys.length; i++) {
    const j = indexOfAtom(old.keys, next.keys[i]!, kt);
    const changed = j < 0 || (values !== null && compareAtoms(old.values![j]!, next.values![i]!, type.value!.type) !== 0);
    if (changed) {
      keys.push(next.keys[i]!);
      values?.push(next.values![i]!);
    }
  }
  const order = keys.map((_, i) => i).sort((a, b) => compareAtoms(keys[a]!, keys[b]!, kt));
  return { keys: order.map((i) => keys[i]!), values: values === null ? null : order.map((i) => values[i]!) };
}

function persistentColumns(table: TableSchema): ColumnSchema[] {
  return upstreamColumnOrder(table)
    .filter((name) => !name.startsWith('_'))
    .map((name) => table.columnsByName.get(name)!)
    .filter((c) => !c.ephemeral);
}

function fullRowJson(table: TableSchema, row: Row): JsonObject {
  const out: JsonObject = {};
  for (const c of persistentColumns(table)) {
    const datum = row.values[c.index]!;
    if (!datumEquals(datum, defaultDatum(c.type), c.type)) out[c.name] = datumToJson(datum, c.type) as JsonValue;
  }
  return out;
}

/**
 * The record for a committed change set, members in upstream's order, or null when no persistent column
 * changed (upstream writes nothing then).
 */
export function changeSetRecord(cs: ChangeSet, dateMs: number): JsonObject | null {
  const record: JsonObject = {};
  let any = false;
  for (const change of cs.changes) {
    let row: JsonValue | null = null;
    if (change.new === null) {
      row = null;
    } else if (change.old === null) {
      row = fullRowJson(change.table, change.new);
    } else {
      const out: JsonObject = {};
      const changed = new Set(change.changedColumns ?? []);
      for (const c of persistentColumns(change.table)) {
        if (!changed.has(c.index)) continue;
        const before = change.old.values[c.index]!;
        const after = change.new.values[c.index]!;
        const datum = isComposite(c.type) ? datumDiff(before, after, c.type) : after;
        out[c.name] = datumToJson(datum, c.type) as JsonValue;
      }
      if (Object.keys(out).length === 0) continue;
      row = out;
    }
    const tableJson = (record[change.table.name] ??= {}) as JsonObject;
    tableJson[change.uuid] = row;
    any = true;
  }
  if (!any) return null;
  if (cs.comments.length) record._comment = cs.comments.join('\n');
  record._is_diff = true;
  record._date = dateMs;
  return inUpstreamObjectOrder(record) as JsonObject;
}

/** The single full-content record `ovsdb-tool compact` writes (no "_is_diff"). */
export function snapshotRecord(db: Database, comment: string, dateMs: number): JsonObject {
  const record: JsonObject = {};
  for (const name of upstreamTableOrder(db.schema)) {
    const table = db.schema.tables.get(name)!;
    const rows = db.table(name)!.rows;
    if (rows.size === 0) continue;
    const out: JsonObject = {};
    for (const [uuid, row] of rows) out[uuid] = fullRowJson(table, row);
    record[name] = out;
  }
  record._comment = comment;
  record._date = dateMs;
  return inUpstreamObjectOrder(record) as JsonObject;
}
