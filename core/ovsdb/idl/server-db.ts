// The _Server database as the IDL uses it (ovsdb-server(5), upstream ovsdb_cs_check_server_db): the row of
// the Database table for our database says whether the server can serve it, and for a clustered database
// whether it is connected to the cluster, whether it is the leader and which log index it has reached.

import type { JsonValue } from '../../json/value';
import { isJsonObject } from '../../json/value';
import type { Datum } from '../data/datum';
import type { Replica, ReplicaRow } from './replica';

export const serverDbName = '_Server';
/** The Database columns the IDL monitors (upstream's server_columns). */
export const serverDbColumns = ['name', 'model', 'connected', 'leader', 'schema', 'cid', 'index'] as const;

export type ServerCheck =
  | { readonly ok: true; readonly schemaText: string; readonly index: number | null }
  | { readonly ok: false; readonly reason: string };

function one(row: ReplicaRow, replica: Replica, column: string): Datum['keys'][number] | undefined {
  const c = replica.tableSchema('Database').columnsByName.get(column);
  if (!c) return undefined;
  const d = row.values[c.index]!;
  return d.keys.length === 1 ? d.keys[0] : undefined;
}

/** Decides whether the server can serve `database` (upstream's checks and order). */
export function checkServerDatabase(serverReplica: Replica, database: string, leaderOnly: boolean, minIndex: number): ServerCheck {
  let row: ReplicaRow | undefined;
  for (const r of serverReplica.rows('Database').values()) if (one(r, serverReplica, 'name') === database) row = r;
  if (!row) return { ok: false, reason: `server does not have ${database} database` };
  const schema = one(row, serverReplica, 'schema');
  const model = one(row, serverReplica, 'model') ?? '';
  if (typeof schema !== 'string') {
    return { ok: false, reason: model === 'clustered' ? 'clustered database server has not yet joined cluster' : 'missing database schema' };
  }
  if (model !== 'clustered') return { ok: true, schemaText: schema, index: null };
  const connected = one(row, serverReplica, 'connected') === true;
  const leader = one(row, serverReplica, 'leader') === true;
  const indexAtom = one(row, serverReplica, 'index');
  const index = typeof indexAtom === 'number' ? indexAtom : 0;
  if (!connected) return { ok: false, reason: 'clustered database server is disconnected from cluster' };
  if (leaderOnly && !leader) return { ok: false, reason: 'clustered database server is not cluster leader' };
  if (index < minIndex) return { ok: false, reason: `clustered database server has stale data (index ${index} < ${minIndex})` };
  return { ok: true, schemaText: schema, index };
}

/** Table name -> column names of a schema in JSON form (upstream's ovsdb_cs_parse_schema); null if malformed. */
export function schemaColumns(schemaJson: JsonValue): Map<string, Set<string>> | null {
  if (!isJsonObject(schemaJson)) return null;
  const tables = schemaJson['tables'];
  if (!isJsonObject(tables)) return null;
  const out = new Map<string, Set<string>>();
  for (const [name, t] of Object.entries(tables)) {
    if (!isJsonObject(t) || !isJsonObject(t['columns'])) return null;
    out.set(name, new Set(Object.keys(t['columns'] as Record<string, JsonValue>)));
  }
  return out;
}
