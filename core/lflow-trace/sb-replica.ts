// Reads the tables a trace needs out of an OVSDB IDL replica of OVN_Southbound into plain SbData.
// Missing tables (an older schema) read as empty; a reference to a missing row is left for buildTraceDb
// to report.
import { rows, rowsWithUuid } from '../ovsdb/idl/row-reader';
import type { Replica } from '../ovsdb/idl/replica';
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

export function sbDataFromReplica(replica: Replica): SbData {
  const groups = new Map(rowsWithUuid(replica, 'Logical_DP_Group').map(({ uuid, r }) => [uuid, r.strings('datapaths')]));
  const withUuid = (table: string) => rowsWithUuid(replica, table);
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
