// Reads the tables a trace needs out of an OVSDB IDL replica of OVN_Southbound into plain SbData.
// Missing tables (an older schema) read as empty; a reference to a missing row is left for buildTraceDb
// to report.
import type { Replica, ReplicaRow } from '../ovsdb/idl/replica';
import type { Atom } from '../ovsdb/schema/types';
import type { SbData, SbFlow } from './model';
import { hmapOrder, ovsHashString, ovsUuidHash } from '../ovsdb/data/shash-order';

/** The Southbound tables and columns a trace reads (the IDL monitor selection). */
export const traceMonitorSelection: Readonly<Record<string, readonly string[]>> = {
  Datapath_Binding: ['tunnel_key', 'external_ids'],
  Port_Binding: ['logical_port', 'datapath', 'tunnel_key', 'type', 'options', 'external_ids', 'port_security'],
  Multicast_Group: ['datapath', 'name', 'tunnel_key', 'ports'],
  Logical_Flow: ['logical_datapath', 'logical_dp_group', 'pipeline', 'table_id', 'priority', 'match', 'actions', 'external_ids'],
  Logical_DP_Group: ['datapaths'],
  MAC_Binding: ['logical_port', 'ip', 'mac', 'datapath'],
  Address_Set: ['name', 'addresses'],
  Port_Group: ['name', 'ports'],
  Load_Balancer: ['vips'],
};

class RowReader {
  constructor(private readonly replica: Replica, private readonly table: string, private readonly row: ReplicaRow) {}

  private datum(column: string) {
    const schema = this.replica.tableSchema(this.table);
    const idx = schema.columns.findIndex((c) => c.name === column);
    return idx < 0 ? null : this.row.values[idx] ?? null;
  }
  atoms(column: string): Atom[] {
    return [...(this.datum(column)?.keys ?? [])];
  }
  str(column: string): string {
    const a = this.atoms(column)[0];
    return typeof a === 'string' ? a : '';
  }
  num(column: string): number {
    const a = this.atoms(column)[0];
    return typeof a === 'number' ? a : 0;
  }
  strings(column: string): string[] {
    return this.atoms(column).filter((a): a is string => typeof a === 'string');
  }
  map(column: string): Record<string, string> {
    const d = this.datum(column);
    const out: Record<string, string> = {};
    if (!d || !d.values) return out;
    d.keys.forEach((k, i) => {
      out[String(k)] = String(d.values![i]);
    });
    return out;
  }
}

function rows(replica: Replica, table: string): RowReader[] {
  if (!replica.schema.tables.has(table)) return [];
  return [...replica.rows(table).values()].map((r) => new RowReader(replica, table, r));
}

function uuidsOf(replica: Replica, table: string): string[] {
  return replica.schema.tables.has(table) ? [...replica.rows(table).keys()] : [];
}

export function sbDataFromReplica(replica: Replica): SbData {
  const groups = new Map<string, string[]>();
  const groupUuids = uuidsOf(replica, 'Logical_DP_Group');
  rows(replica, 'Logical_DP_Group').forEach((g, i) => groups.set(groupUuids[i]!, g.strings('datapaths')));
  const withUuid = (table: string) => {
    const u = uuidsOf(replica, table);
    return rows(replica, table).map((r, i) => ({ r, uuid: u[i]! }));
  };
  // Flows of equal priority that both match are "who cares" upstream: the first in ovn-trace's list wins,
  // and that list is the IDL's row order (rows arrive in a JSON object, an shash keyed by UUID string, and
  // are kept in an hmap keyed by uuid_hash), kept by a stable sort. Reproduce that order.
  const arrived = withUuid('Logical_Flow');
  const idlOrder = hmapOrder(hmapOrder(arrived, (f) => ovsHashString(f.uuid)), (f) => ovsUuidHash(f.uuid));
  const flows: SbFlow[] = idlOrder.map(({ r, uuid }) => ({
    uuid,
    datapaths: [...r.strings('logical_datapath'), ...r.strings('logical_dp_group').flatMap((g) => groups.get(g) ?? [])],
    pipeline: r.str('pipeline') === 'egress' ? 'egress' : 'ingress',
    tableId: r.num('table_id'),
    priority: r.num('priority'),
    match: r.str('match'),
    actions: r.str('actions'),
    externalIds: r.map('external_ids'),
  }));
  const addressSets: Record<string, string[]> = {};
  for (const r of rows(replica, 'Address_Set')) addressSets[r.str('name')] = r.strings('addresses');
  const portGroups: Record<string, string[]> = {};
  for (const r of rows(replica, 'Port_Group')) portGroups[r.str('name')] = r.strings('ports');
  return {
    datapaths: withUuid('Datapath_Binding').map(({ r, uuid }) => ({ uuid, tunnelKey: r.num('tunnel_key'), externalIds: r.map('external_ids') })),
    ports: withUuid('Port_Binding').map(({ r, uuid }) => ({
      uuid, logicalPort: r.str('logical_port'), datapath: r.str('datapath'), tunnelKey: r.num('tunnel_key'), type: r.str('type'),
      options: r.map('options'), externalIds: r.map('external_ids'), portSecurity: r.strings('port_security'),
    })),
    mcGroups: rows(replica, 'Multicast_Group').map((r) => ({ datapath: r.str('datapath'), name: r.str('name'), tunnelKey: r.num('tunnel_key'), ports: r.strings('ports') })),
    flows,
    macBindings: rows(replica, 'MAC_Binding').map((r) => ({ datapath: r.str('datapath'), logicalPort: r.str('logical_port'), ip: r.str('ip'), mac: r.str('mac') })),
    addressSets,
    portGroups,
    lbVips: rows(replica, 'Load_Balancer').flatMap((r) => Object.keys(r.map('vips'))),
  };
}
