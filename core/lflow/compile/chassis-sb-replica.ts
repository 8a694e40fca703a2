// Reads the Southbound rows a chassis compiles from out of an OVSDB IDL replica of OVN_Southbound (what a
// controller or the lflow-compile command monitors) into plain ChassisSb values.
import type { Replica } from '../../ovsdb/idl/replica';
import { rows, rowsWithUuid } from '../../ovsdb/idl/row-reader';
import { orderHaMembers, type ChassisSb } from './chassis-sb';

/** The tables and columns compileChassisFlows needs (the IDL monitor selection). */
export const chassisMonitorSelection: Readonly<Record<string, readonly string[]>> = {
  SB_Global: ['options'],
  Chassis: ['name'],
  HA_Chassis: ['chassis', 'priority'],
  HA_Chassis_Group: ['ha_chassis', 'ref_chassis'],
  Datapath_Binding: ['tunnel_key', 'external_ids'],
  Port_Binding: ['logical_port', 'datapath', 'tunnel_key', 'type', 'options', 'chassis', 'ha_chassis_group', 'parent_port'],
  Multicast_Group: ['datapath', 'name', 'tunnel_key'],
  Logical_Flow: ['logical_datapath', 'logical_dp_group', 'pipeline', 'table_id', 'priority', 'match', 'actions', 'tags', 'controller_meter'],
  Logical_DP_Group: ['datapaths'],
  Address_Set: ['name', 'addresses'],
  Port_Group: ['name', 'ports'],
};

export function chassisSbFromReplica(replica: Replica): ChassisSb {
  const chassisName = new Map(rowsWithUuid(replica, 'Chassis').map(({ uuid, r }) => [uuid, r.str('name')]));
  const haMember = new Map(rowsWithUuid(replica, 'HA_Chassis').map(({ uuid, r }) => [uuid, { name: chassisName.get(r.str('chassis')) ?? '', priority: r.num('priority') }]));
  const haGroups = new Map(rowsWithUuid(replica, 'HA_Chassis_Group').map(({ uuid, r }) => [uuid, {
    members: orderHaMembers(r.strings('ha_chassis').map((m) => haMember.get(m) ?? { name: '', priority: -1 })),
    refChassis: r.strings('ref_chassis').map((c) => chassisName.get(c) ?? '').filter((n) => n !== ''),
  }]));
  const dpGroups = new Map(rowsWithUuid(replica, 'Logical_DP_Group').map(({ uuid, r }) => [uuid, r.strings('datapaths')]));
  const addressSets: Record<string, string[]> = {};
  for (const r of rows(replica, 'Address_Set')) addressSets[r.str('name')] = r.strings('addresses');
  // ovn-controller adds the service monitor MAC as an address set of its own.
  const svcMac = rows(replica, 'SB_Global')[0]?.map('options')['svc_monitor_mac'];
  if (svcMac !== undefined) addressSets['svc_monitor_mac'] = [svcMac];
  const portGroups: Record<string, string[]> = {};
  for (const r of rows(replica, 'Port_Group')) portGroups[r.str('name')] = r.strings('ports');
  return {
    datapaths: rowsWithUuid(replica, 'Datapath_Binding').map(({ uuid, r }) => ({ uuid, tunnelKey: r.num('tunnel_key'), externalIds: r.map('external_ids') })),
    ports: rowsWithUuid(replica, 'Port_Binding').map(({ uuid, r }) => ({
      uuid, logicalPort: r.str('logical_port'), datapath: r.str('datapath'), tunnelKey: r.num('tunnel_key'), type: r.str('type'),
      options: r.map('options'), chassis: chassisName.get(r.str('chassis')) ?? null,
      haChassis: haGroups.get(r.str('ha_chassis_group'))?.members ?? [],
      haRefChassis: haGroups.get(r.str('ha_chassis_group'))?.refChassis ?? [], parentPort: r.str('parent_port'),
    })),
    mcGroups: rows(replica, 'Multicast_Group').map((r) => ({ datapath: r.str('datapath'), name: r.str('name'), tunnelKey: r.num('tunnel_key') })),
    flows: rowsWithUuid(replica, 'Logical_Flow').map(({ uuid, r }) => ({
      uuid,
      datapaths: [...r.strings('logical_datapath'), ...r.strings('logical_dp_group').flatMap((g) => dpGroups.get(g) ?? [])],
      pipeline: r.str('pipeline') === 'egress' ? 'egress' as const : 'ingress' as const,
      tableId: r.num('table_id'), priority: r.num('priority'), match: r.str('match'), actions: r.str('actions'),
      tags: r.map('tags'), controllerMeter: r.str('controller_meter'),
    })),
    addressSets,
    portGroups,
  };
}
