// `ovsdb-client backup [SERVER] [DATABASE] > SNAPSHOT`: the database as a standalone database file (schema
// record plus one record holding every row's persistent columns), written as upstream writes it: same
// members in the same (hash) order, so only "_date" differs from upstream's output.

import { isJsonObject, type JsonObject, type JsonValue } from '../../core/json';
import { encodeRecord } from '../../core/ovsdb/log';
import { inShashOrder, jsonToText, upstreamColumnOrder, upstreamSchemaJson, upstreamTableOrder } from '../../core/ovsdb/format';
import type { ClientContext } from './client-context';
import type { ClientRpc } from './client-rpc';
import { fatal } from './tool-exit';

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export async function doBackup(ctx: ClientContext, rpc: ClientRpc, database: string): Promise<void> {
  if (ctx.io.stdoutIsTty) fatal('not writing backup to a terminal; please redirect stdout to a file');
  const schema = await ctx.fetchSchema(rpc, database);
  const tables = upstreamTableOrder(schema);
  const ops: JsonValue[] = tables.map((name) => {
    const table = schema.tables.get(name)!;
    const columns = upstreamColumnOrder(table).filter((c) => c === '_uuid' || (!c.startsWith('_') && !table.columnsByName.get(c)!.ephemeral));
    return { op: 'select', table: name, where: [], columns };
  });
  const result = ctx.check(await rpc.request('transact', [database, ...ops]));
  const records: Uint8Array[] = [encodeRecord(upstreamSchemaJson(schema))];
  if (!Array.isArray(result) || result.length !== tables.length) {
    fatal(`reply is not array of ${tables.length} elements: ${jsonToText(result)}`);
  }
  const txn: JsonObject = {};
  tables.forEach((name, i) => {
    const opResult = result[i]!;
    const rows = isJsonObject(opResult) ? opResult.rows : undefined;
    if (!Array.isArray(rows)) fatal(`${name} table reply is not an object with a "rows" member array: ${jsonToText(opResult)}`);
    if (rows.length === 0) return;
    const out: JsonObject = {};
    for (const row of rows) {
      if (!isJsonObject(row)) fatal(`${name} table reply row is not an object: ${jsonToText(row)}`);
      const uuid = row._uuid;
      if (uuid === undefined) fatal(`${name} table reply row lacks _uuid member: ${jsonToText(row)}`);
      if (!(Array.isArray(uuid) && uuid.length === 2 && uuid[0] === 'uuid' && typeof uuid[1] === 'string' && uuidPattern.test(uuid[1]))) {
        fatal(`syntax "${jsonToText(uuid, { sort: true })}": syntax error: expected ["uuid", <string>]`);
      }
      // Upstream deletes "_uuid" from the parsed row and adds the row itself (json_clone only takes a
      // reference): its members print in the parsed object's hash order, which is final here.
      const copy: JsonObject = {};
      for (const column of inShashOrder(Object.keys(row))) if (column !== '_uuid') copy[column] = row[column]!;
      out[(uuid[1] as string).toLowerCase()] = copy;
    }
    txn[name] = reorder(out);
  });
  txn._comment = 'produced by "ovsdb-client backup"';
  txn._is_diff = true;
  txn._date = ctx.io.nowMs();
  records.push(encodeRecord(reorder(txn)));
  const bytes = concat(records);
  if (ctx.io.stdoutBytes) ctx.io.stdoutBytes(bytes);
  else ctx.io.stdout(new TextDecoder().decode(bytes));
}

/** `object`'s members (not their contents) in the order upstream prints an object built in this order. */
function reorder(object: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of inShashOrder(Object.keys(object))) out[key] = object[key]!;
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
