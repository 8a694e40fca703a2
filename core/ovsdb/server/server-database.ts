// The built-in _Server database (ovsdb-server(5)): one Database row per served database, including
// _Server itself, as upstream fills it for standalone databases: name, model "standalone", connected and
// leader true, and the schema as compact sorted JSON text (cid, sid and index stay empty: they describe
// clustered databases).

import type { Random } from '../../runtime/random';
import type { Clock } from '../../runtime/clock';
import { serverSchema } from '../schema/server-schema';
import { defaultDatum, scalarDatum, type Datum } from '../data/datum';
import { makeRow } from '../txn/row';
import type { RowChange } from '../txn/change-set';
import { ServedDatabase } from './served-database';
import { randomUuid } from './uuid';

export function createServerDatabase(clock: Clock, random: Random, served: readonly ServedDatabase[]): ServedDatabase {
  const sdb = new ServedDatabase(serverSchema, null, { clock, random, txnHistoryMax: 0 });
  const table = serverSchema.tables.get('Database')!;
  const changes: RowChange[] = [];
  for (const db of [...served, sdb]) {
    const given: Record<string, Datum> = {
      name: scalarDatum(db.name),
      model: scalarDatum('standalone'),
      connected: scalarDatum(true),
      leader: scalarDatum(true),
      schema: scalarDatum(db.schemaText),
    };
    const values = table.columns.map((c) => given[c.name] ?? defaultDatum(c.type));
    const row = makeRow(randomUuid(random), randomUuid(random), values);
    changes.push({ table, uuid: row.uuid, old: null, new: row, changedColumns: null });
  }
  sdb.db.apply({ baseGeneration: 0, changes, comments: [], durable: false, onlyEphemeral: false });
  return sdb;
}
