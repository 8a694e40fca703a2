// Southbound rows bench:lflow compiles from, read with `ovn-sbctl --format=json list`, and the one step that
// turns them into (logical flow, datapath) pairs with their compile contexts as one chassis sees them.
// chassisFlows() is meant to be replaced by the chassis-level module (core/lflow/compile/chassis-flows.ts)
// once that exists; it follows ovn-controller 23.03 closely enough for timing, not for every corner.
import { ovnSymtab } from '../core/lflow/symtab';
import type { NameLookup } from '../core/lflow/lookup';
import { idAllocator, type CompileContext, type LogicalFlow } from '../core/lflow/compile';

type Row = Record<string, unknown>;

export interface SbLogicalFlow {
  readonly uuid: string;
  readonly datapath: string | null;
  readonly dpGroup: string | null;
  readonly pipeline: 'ingress' | 'egress';
  readonly tableId: number;
  readonly priority: number;
  readonly match: string;
  readonly actions: string;
  readonly inOutPort: string | undefined;
  readonly controllerMeter: string | undefined;
}

export interface SbSnapshot {
  readonly logicalFlows: SbLogicalFlow[];
  readonly datapaths: { uuid: string; key: number; isSwitch: boolean }[];
  readonly dpGroups: Map<string, string[]>;
  readonly portBindings: { name: string; datapath: string; key: number; type: string; chassis: string | null; peer: string | undefined }[];
  readonly multicastGroups: { name: string; datapath: string; key: number }[];
  readonly addressSets: Map<string, string[]>;
  readonly portGroups: Map<string, string[]>;
  readonly chassis: Map<string, string>;
}

// OVSDB JSON values as ovn-sbctl --format=json prints them.
function atoms(v: unknown): unknown[] {
  if (Array.isArray(v) && v[0] === 'set') return (v[1] as unknown[]).map(atom);
  return [atom(v)];
}
function atom(v: unknown): unknown {
  return Array.isArray(v) && (v[0] === 'uuid' || v[0] === 'named-uuid') ? v[1] : v;
}
function map(v: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (Array.isArray(v) && v[0] === 'map') for (const [k, x] of v[1] as [unknown, unknown][]) m.set(String(atom(k)), String(atom(x)));
  return m;
}
function optional(v: unknown): unknown {
  const a = atoms(v);
  return a.length > 0 ? a[0] : null;
}

/** Reads the tables compiling needs; `sbctl` runs ovn-sbctl with the given arguments and returns stdout. */
export function readSouthbound(sbctl: (args: string[]) => string): SbSnapshot {
  const list = (table: string, columns: string[]): Row[] => {
    const out = JSON.parse(sbctl(['--format=json', `--columns=${columns.join(',')}`, 'list', table])) as { headings: string[]; data: unknown[][] };
    return out.data.map((r) => Object.fromEntries(out.headings.map((h, i) => [h, r[i]])));
  };
  const logicalFlows = list('Logical_Flow', ['_uuid', 'logical_datapath', 'logical_dp_group', 'pipeline', 'table_id', 'priority', 'match', 'actions', 'tags', 'controller_meter'])
    .map((r): SbLogicalFlow => ({
      uuid: String(atom(r._uuid)),
      datapath: optional(r.logical_datapath) as string | null,
      dpGroup: optional(r.logical_dp_group) as string | null,
      pipeline: r.pipeline === 'egress' ? 'egress' : 'ingress',
      tableId: Number(r.table_id),
      priority: Number(r.priority),
      match: String(r.match),
      actions: String(r.actions),
      inOutPort: map(r.tags).get('in_out_port'),
      controllerMeter: (optional(r.controller_meter) as string | null) ?? undefined,
    }));
  const datapaths = list('Datapath_Binding', ['_uuid', 'tunnel_key', 'external_ids']).map((r) => ({
    uuid: String(atom(r._uuid)), key: Number(r.tunnel_key), isSwitch: map(r.external_ids).has('logical-switch'),
  }));
  const dpGroups = new Map(list('Logical_DP_Group', ['_uuid', 'datapaths']).map((r) => [String(atom(r._uuid)), atoms(r.datapaths).map(String)]));
  const portBindings = list('Port_Binding', ['logical_port', 'datapath', 'tunnel_key', 'type', 'chassis', 'options']).map((r) => ({
    name: String(r.logical_port), datapath: String(atom(r.datapath)), key: Number(r.tunnel_key), type: String(r.type),
    chassis: optional(r.chassis) as string | null, peer: map(r.options).get('peer'),
  }));
  const multicastGroups = list('Multicast_Group', ['name', 'datapath', 'tunnel_key']).map((r) => ({
    name: String(r.name), datapath: String(atom(r.datapath)), key: Number(r.tunnel_key),
  }));
  const addressSets = new Map(list('Address_Set', ['name', 'addresses']).map((r) => [String(r.name), atoms(r.addresses).map(String)]));
  const portGroups = new Map(list('Port_Group', ['name', 'ports']).map((r) => [String(r.name), atoms(r.ports).map(String)]));
  const chassis = new Map(list('Chassis', ['_uuid', 'name']).map((r) => [String(r.name), String(atom(r._uuid))]));
  return { logicalFlows, datapaths, dpGroups, portBindings, multicastGroups, addressSets, portGroups, chassis };
}

export interface FlowToCompile {
  readonly flow: LogicalFlow;
  readonly ctx: CompileContext;
  readonly names: NameLookup;
  /** SB controller_meter name, if any (the caller gives it a meter id). */
  readonly controllerMeter: string | undefined;
}

/**
 * The (logical flow, datapath) pairs ovn-controller on chassis `chassisName` compiles in a full recompute,
 * with a context per datapath. As upstream: only local datapaths (one with a port bound here, and those
 * reachable from it over patch ports); flows tagged in_out_port are skipped unless that port is related
 * (patch/localnet/localport/vtep, or bound here); ports resolve to the Port_Binding tunnel key on the flow's
 * datapath, else to a Multicast_Group of that name there; @pg is the SB port group "<dp key>_<name>" (else
 * "<name>") restricted to ports bound here; is_chassis_resident(p) is "p is bound here".
 */
export function chassisFlows(sb: SbSnapshot, chassisName: string): FlowToCompile[] {
  const me = sb.chassis.get(chassisName);
  if (me === undefined) throw new Error(`no Chassis ${chassisName} in the SB`);
  const bound = new Set(sb.portBindings.filter((p) => p.chassis === me).map((p) => p.name));
  const related = new Set(sb.portBindings.filter((p) => p.chassis === me || relatedTypes.has(p.type)).map((p) => p.name));
  const pbByName = new Map(sb.portBindings.map((p) => [p.name, p]));
  const local = new Set(sb.portBindings.filter((p) => p.chassis === me).map((p) => p.datapath));
  const patchesOf = new Map<string, string[]>();
  for (const p of sb.portBindings) if (p.type === 'patch' && p.peer) patchesOf.set(p.datapath, [...(patchesOf.get(p.datapath) ?? []), p.peer]);
  for (const queue = [...local]; queue.length > 0;) {
    for (const peer of patchesOf.get(queue.pop()!) ?? []) {
      const d = pbByName.get(peer)?.datapath;
      if (d !== undefined && !local.has(d)) {
        local.add(d);
        queue.push(d);
      }
    }
  }
  const symtab = ovnSymtab();
  const groups = idAllocator();
  const meters = idAllocator();
  const localGroups = new Map([...sb.portGroups].map(([n, ports]) => [n, ports.filter((p) => bound.has(p))]));
  const perDp = new Map<string, { ctx: CompileContext; names: NameLookup; key: number }>();
  for (const dp of sb.datapaths) {
    if (!local.has(dp.uuid)) continue;
    const ports = new Map<string, number>();
    for (const m of sb.multicastGroups) if (m.datapath === dp.uuid) ports.set(m.name, m.key);
    for (const p of sb.portBindings) if (p.datapath === dp.uuid) ports.set(p.name, p.key);
    const ctx: CompileContext = {
      symtab, isSwitch: dp.isSwitch, groupId: groups.id, meterId: meters.id,
      lookupPort: (n) => ports.get(n),
      isChassisResident: (p) => bound.has(p),
    };
    const names: NameLookup = {
      addressSet: (n) => sb.addressSets.get(n),
      portGroup: (n) => localGroups.get(`${dp.key}_${n}`) ?? localGroups.get(n),
    };
    perDp.set(dp.uuid, { ctx, names, key: dp.key });
  }
  const out: FlowToCompile[] = [];
  for (const lf of sb.logicalFlows) {
    if (lf.inOutPort !== undefined && !related.has(lf.inOutPort)) continue;
    const dps = lf.datapath !== null ? [lf.datapath] : lf.dpGroup !== null ? sb.dpGroups.get(lf.dpGroup) ?? [] : [];
    for (const d of dps) {
      const c = perDp.get(d);
      if (c === undefined) continue;
      out.push({
        flow: { uuid: lf.uuid, datapathKey: c.key, pipeline: lf.pipeline, tableId: lf.tableId, priority: lf.priority, match: lf.match, actions: lf.actions },
        ctx: c.ctx, names: c.names, controllerMeter: lf.controllerMeter,
      });
    }
  }
  return out;
}

const relatedTypes = new Set(['patch', 'localnet', 'localport', 'vtep']);
