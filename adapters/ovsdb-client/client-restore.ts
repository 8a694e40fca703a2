// `ovsdb-client [--force] restore [SERVER] [DATABASE] < SNAPSHOT`: replaces the database's contents with
// a database file's (as `backup` writes): one transaction that deletes every row of every table and
// inserts the file's rows, naming each "row<uuid>" and writing references as those names, as upstream does.

import type { JsonObject, JsonValue } from '../../core/json';
import { replayRecords } from '../../core/ovsdb/log';
import { type DatabaseSchema, parseDatabaseSchema } from '../../core/ovsdb/schema';
import type { Atom, ColumnType } from '../../core/ovsdb/schema/types';
import { atomToJson } from '../../core/ovsdb/data/atom';
import { type Datum, datumEquals, datumFromJson, defaultDatum } from '../../core/ovsdb/data/datum';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { jsonToText, upstreamSchemaJson } from '../../core/ovsdb/format';
import type { ClientContext } from './client-context';
import type { ClientRpc } from './client-rpc';
import { ovsdbErrorText } from './tool-database';
import { fatal } from './tool-exit';
import { checkLogStart, readLogRecords } from './upstream-log-reader';

const stdinName = '/dev/stdin';

/** Upstream's ovsdb_data_row_name(). */
function rowName(uuid: string): string {
  return `row${uuid.replace(/-/g, '_')}`;
}

function atomWithRowName(atom: Atom, base: ColumnType['key']): JsonValue {
  return base.type === 'uuid' ? ['named-uuid', rowName(atom as string)] : (atomToJson(atom, base.type) as JsonValue);
}

/** Upstream's ovsdb_datum_to_json_with_row_names(). */
function datumWithRowNames(datum: Datum, type: ColumnType): JsonValue {
  if (type.value !== null) {
    return ['map', datum.keys.map((k, i) => [atomWithRowName(k, type.key), atomWithRowName(datum.values![i]!, type.value!)])];
  }
  if (datum.keys.length === 1) return atomWithRowName(datum.keys[0]!, type.key);
  return ['set', datum.keys.map((k) => atomWithRowName(k, type.key))];
}

function sameSchema(a: DatabaseSchema, b: DatabaseSchema): boolean {
  return jsonToText(upstreamSchemaJson(a), { sort: true }) === jsonToText(upstreamSchemaJson(b), { sort: true });
}

export async function doRestore(ctx: ClientContext, rpc: ClientRpc, database: string, force: boolean): Promise<void> {
  if (ctx.io.stdinIsTty) fatal('not reading backup from a terminal; please redirect stdin from a file');
  if (!ctx.io.readStdin) fatal('restore needs a backup on standard input');
  const bytes = ctx.io.readStdin();
  checkLogStart(bytes, stdinName);
  const [first, ...records] = readLogRecords(bytes, stdinName);
  if (!first) fatal(`ovsdb error: ${stdinName}: database file contains no schema`);
  let backup: DatabaseSchema;
  try {
    backup = parseDatabaseSchema(first.json as never);
  } catch (e) {
    if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
    throw e;
  }
  const content = replayRecords(first.json, records, stdinName);
  const online = await ctx.fetchSchema(rpc, database);
  if (!sameSchema(backup, online)) {
    const why = backup.version !== online.version
      ? `backup schema has version "${backup.version}" but database schema has version "${online.version}"`
      : `backup schema and database schema are both version ${backup.version} but still differ`;
    if (!force) fatal(`${why} (use --force to override differences, or "ovsdb-client convert" to change the schema)`);
    ctx.io.vlog?.('ovsdb_client', 'info', why);
  }
  const txn: JsonValue[] = [backup.name];
  for (const table of backup.tables.values()) {
    txn.push({ op: 'delete', table: table.name, where: [] });
    for (const [uuid, rowJson] of content.get(table.name) ?? []) {
      const row: JsonObject = {};
      for (const column of table.columns) {
        if (column.ephemeral || !Object.prototype.hasOwnProperty.call(rowJson, column.name)) continue;
        let datum: Datum;
        try {
          datum = datumFromJson(rowJson[column.name] as never, column.type, null);
        } catch (e) {
          if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
          throw e;
        }
        if (!datumEquals(datum, defaultDatum(column.type), column.type)) row[column.name] = datumWithRowNames(datum, column.type);
      }
      txn.push({ op: 'insert', table: table.name, 'uuid-name': rowName(uuid), row });
    }
  }
  const result = ctx.check(await rpc.request('transact', txn));
  if (!Array.isArray(result)) fatal('result is not array');
  for (const element of result) {
    if (element === null || typeof element !== 'object' || Array.isArray(element)) fatal('result array element is not object');
    if (Object.prototype.hasOwnProperty.call(element, 'error')) fatal(`server returned error reply: ${jsonToText(element, { sort: true })}`);
  }
}
