// Reads an upstream Southbound database through `ovn-sbctl --format=json --data=json list TABLE` into the
// plain ChassisSb form the chassis-level compiler takes. For tests and benchmarks against upstream.
import { orderHaMembers, type ChassisSb } from '../core/lflow/compile/chassis-sb';

type Json = string | number | boolean | Json[];
type Row = Record<string, Json>;

/** Runs ovn-sbctl with the given arguments and returns its standard output. */
export type SbctlRunner = (args: readonly string[]) => string;

export function listRows(sbctl: SbctlRunner, table: string): Row[] {
  const out = JSON.parse(sbctl(['--format=json', '--data=json', 'list', table])) as { headings: string[]; data: Json[][] };
  return out.data.map((r) => Object.fromEntries(out.headings.map((h, i) => [h, r[i]!])));
}

/** The atoms of an OVSDB JSON datum: ["set", [...]], ["uuid", u], or a bare atom. */
export function atoms(v: Json | undefined): Json[] {
  if (v === undefined) return [];
  if (Array.isArray(v) && v[0] === 'set') return (v[1] as Json[]).map(atom);
  return [atom(v)];
}

function atom(v: Json): Json {
  return Array.isArray(v) && (v[0] === 'uuid' || v[0] === 'named-uuid') ? v[1]! : v;
}

export function str(v: Json | undefined): string {
  const a = atoms(v)[0];
  return a === undefined ? '' : String(a);
}

export function num(v: Json | undefined): number {
  return Number(atoms(v)[0] ?? 0);
}

export function map(v: Json | undefined): Record<string, string> {
  if (!Array.isArray(v) || v[0] !== 'map') return {};
  return Object.fromEntries((v[1] as Json[][]).map(([k, x]) => [String(atom(k!)), String(atom(x!))]));
}

/** The Southbound rows a hypervisor's flow compilation reads. */
export function readChassisSb(sbctl: SbctlRunner): ChassisSb {
  const chassisName = new Map(listRows(sbctl, 'Chassis').map((r) => [str(r._uuid), str(r.name)]));
  const haChassis = new Map(listRows(sbctl, 'HA_Chassis').map((r) => [str(r._uuid), { name: chassisName.get(str(r.chassis)) ?? '', priority: num(r.priority) }]));
  const haGroups = new Map(listRows(sbctl, 'HA_Chassis_Group').map((r) => [str(r._uuid), {
    members: orderHaMembers(atoms(r.ha_chassis).map((u) => haChassis.get(String(u)) ?? { name: '', priority: -1 })),
    refChassis: atoms(r.ref_chassis).map((c) => chassisName.get(String(c)) ?? '').filter((n) => n !== ''),
  }]));
  const dpGroups = new Map(listRows(sbctl, 'Logical_DP_Group').map((r) => [str(r._uuid), atoms(r.datapaths).map(String)]));
  const svcMac = map(listRows(sbctl, 'SB_Global')[0]?.options)['svc_monitor_mac'];
  const addressSets: Record<string, string[]> = {};
  for (const r of listRows(sbctl, 'Address_Set')) addressSets[str(r.name)] = atoms(r.addresses).map(String);
  // ovn-controller adds the service monitor MAC as an address set of its own.
  if (svcMac !== undefined) addressSets['svc_monitor_mac'] = [svcMac];
  const portGroups: Record<string, string[]> = {};
  for (const r of listRows(sbctl, 'Port_Group')) portGroups[str(r.name)] = atoms(r.ports).map(String);
  return {
    datapaths: listRows(sbctl, 'Datapath_Binding').map((r) => ({ uuid: str(r._uuid), tunnelKey: num(r.tunnel_key), externalIds: map(r.external_ids) })),
    ports: listRows(sbctl, 'Port_Binding').map((r) => ({
      uuid: str(r._uuid), logicalPort: str(r.logical_port), datapath: str(r.datapath), tunnelKey: num(r.tunnel_key),
      type: str(r.type), options: map(r.options), chassis: chassisName.get(str(r.chassis)) ?? null,
      haChassis: haGroups.get(str(r.ha_chassis_group))?.members ?? [],
      haRefChassis: haGroups.get(str(r.ha_chassis_group))?.refChassis ?? [], parentPort: str(r.parent_port),
    })),
    mcGroups: listRows(sbctl, 'Multicast_Group').map((r) => ({ datapath: str(r.datapath), name: str(r.name), tunnelKey: num(r.tunnel_key) })),
    flows: listRows(sbctl, 'Logical_Flow').map((r) => ({
      uuid: str(r._uuid),
      datapaths: [...atoms(r.logical_datapath).map(String), ...atoms(r.logical_dp_group).flatMap((g) => dpGroups.get(String(g)) ?? [])],
      pipeline: str(r.pipeline) === 'egress' ? 'egress' as const : 'ingress' as const,
      tableId: num(r.table_id), priority: num(r.priority), match: str(r.match), actions: str(r.actions),
      tags: map(r.tags), controllerMeter: str(r.controller_meter),
    })),
    addressSets,
    portGroups,
  };
}
