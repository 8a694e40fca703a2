// `ovsdb-client dump [SERVER] [DATABASE] [TABLE [COLUMN]...]`: every table (sorted by name) or one, every
// column but _version (sorted by name) or the ones named, rows sorted by their non-UUID columns first and
// UUID columns as tie-breakers, as upstream does "for reproducibility".

import { isJsonObject, type JsonValue } from '../../core/json';
import type { ColumnType, TableSchema } from '../../core/ovsdb/schema';
import { compareDatums, datumFromJson, datumToJson, type Datum } from '../../core/ovsdb/data/datum';
import { unconstrained, uuidType } from '../../core/ovsdb/schema/types';
import { OvsdbError } from '../../core/ovsdb/data/error';
import { compareUtf8 } from '../../core/ovsdb/data/atom';
import { jsonCell, jsonToText } from '../../core/ovsdb/format';
import type { ClientContext } from './client-context';
import type { ClientRpc } from './client-rpc';
import { ovsdbErrorText } from './tool-database';
import { fatal } from './tool-exit';

interface DumpColumn {
  readonly name: string;
  readonly type: ColumnType;
}

function columnsOf(table: TableSchema): DumpColumn[] {
  return [{ name: '_uuid', type: uuidType }, ...table.columns.map((c) => ({ name: c.name, type: c.type }))];
}

function unconstrainedType(type: ColumnType): ColumnType {
  return { key: unconstrained(type.key), value: type.value === null ? null : unconstrained(type.value), min: type.min, max: type.max };
}

function dumpTable(ctx: ClientContext, tableName: string, columnsIn: DumpColumn[], rows: JsonValue[]): void {
  const columns = columnsIn.filter((c) => c.name !== '_version').sort((a, b) => compareUtf8(a.name, b.name));
  const data: Datum[][] = rows.map((row, y) => {
    if (!isJsonObject(row)) fatal(`row ${y} in table ${tableName} response is not a JSON object: ${jsonToText(row)}`);
    return columns.map((c) => {
      const json = Object.prototype.hasOwnProperty.call(row, c.name) ? row[c.name] : undefined;
      if (json === undefined) fatal(`row ${y} in table ${tableName} response lacks ${c.name} column`);
      try {
        return datumFromJson(json as never, unconstrainedType(c.type), null, false);
      } catch (e) {
        if (e instanceof OvsdbError) fatal(ovsdbErrorText(e));
        throw e;
      }
    });
  });
  const isUuid = columns.map((c) => c.type.key.type === 'uuid');
  data.sort((a, b) => {
    for (const pass of [false, true]) {
      for (let x = 0; x < columns.length; x++) {
        if (isUuid[x] !== pass) continue;
        const c = compareDatums(a[x]!, b[x]!, columns[x]!.type);
        if (c) return c;
      }
    }
    return 0;
  });
  ctx.printTable({
    caption: `${tableName} table`,
    headings: columns.map((c) => c.name),
    rows: data.map((row) => row.map((d, x) => jsonCell(datumToJson(d, columns[x]!.type) as JsonValue, columns[x]!.type))),
  });
}

export async function doDump(ctx: ClientContext, rpc: ClientRpc, database: string, args: string[]): Promise<void> {
  const schema = await ctx.fetchSchema(rpc, database);
  let tables: TableSchema[];
  let custom: DumpColumn[] | null = null;
  if (args.length) {
    const table = schema.tables.get(args[0]!);
    if (!table) fatal(`No table "${args[0]}" found.`);
    tables = [table];
    const all = columnsOf(table).concat([{ name: '_version', type: uuidType }]);
    if (args.length > 1) {
      custom = args.slice(1).map((name) => {
        const c = all.find((col) => col.name === name);
        if (!c) fatal(`Table "${args[0]}" has no column ${name}.`);
        return c;
      });
    }
  } else {
    tables = [...schema.tables.values()].sort((a, b) => compareUtf8(a.name, b.name));
  }
  const ops: JsonValue[] = tables.map((t) => ({
    op: 'select',
    table: t.name,
    where: [],
    columns: (custom ?? columnsOf(t)).map((c) => c.name).filter((n) => n !== '_version'),
  }));
  const result = ctx.check(await rpc.request('transact', [database, ...ops]));
  if (!Array.isArray(result) || result.length !== tables.length) {
    fatal(`reply is not array of ${tables.length} elements: ${jsonToText(result)}`);
  }
  tables.forEach((t, i) => {
    const opResult = result[i]!;
    const rows = isJsonObject(opResult) ? opResult.rows : undefined;
    if (!Array.isArray(rows)) fatal(`${t.name} table reply is not an object with a "rows" member array: ${jsonToText(opResult)}`);
    dumpTable(ctx, t.name, custom ?? columnsOf(t), rows);
  });
}
