// The Southbound data a trace needs, as plain values (what the CLI reads from an OVN_Southbound server and
// what unit tests write by hand), and the compiled form the walker uses: per datapath, its ports, multicast
// groups and logical flows parsed and sorted the way upstream ovn-trace sorts them (ingress before egress,
// table ascending, priority descending).
import { annotate } from '../lflow/annotate';
import { checkActions } from '../lflow/check-actions';
import { checkMatch } from '../lflow/check-match';
import { combine, type Expr } from '../lflow/expr';
import { LflowError } from '../lflow/errors';
import { parseActionsOrThrow } from '../lflow/parse-actions';
import { parseMatchOrThrow } from '../lflow/parse-match';
import type { Actions } from '../lflow/action-syntax';
import type { Symtab } from '../lflow/symtab';
import { parseIpv4, parseIpv6, parseMac } from '../lflow/addresses';

export type Pipeline = 'ingress' | 'egress';

export interface SbDatapath {
  uuid: string;
  tunnelKey: number;
  externalIds: Readonly<Record<string, string>>;
}
export interface SbPort {
  uuid: string;
  logicalPort: string;
  datapath: string;
  tunnelKey: number;
  type: string;
  options: Readonly<Record<string, string>>;
  externalIds: Readonly<Record<string, string>>;
  portSecurity: readonly string[];
}
export interface SbMcGroup {
  datapath: string;
  name: string;
  tunnelKey: number;
  /** Port_Binding UUIDs. */
  ports: readonly string[];
}
export interface SbFlow {
  uuid: string;
  /** The logical_datapath and every member of logical_dp_group. */
  datapaths: readonly string[];
  pipeline: Pipeline;
  tableId: number;
  priority: number;
  match: string;
  actions: string;
  externalIds: Readonly<Record<string, string>>;
}
export interface SbMacBinding {
  datapath: string;
  logicalPort: string;
  ip: string;
  mac: string;
}
export interface SbData {
  datapaths: readonly SbDatapath[];
  ports: readonly SbPort[];
  mcGroups: readonly SbMcGroup[];
  flows: readonly SbFlow[];
  macBindings: readonly SbMacBinding[];
  addressSets: Readonly<Record<string, string[]>>;
  portGroups: Readonly<Record<string, string[]>>;
  /** Load_Balancer vips keys ("IP:PORT" or "IP", IPv6 in brackets with a port). */
  lbVips: readonly string[];
}

export interface Port {
  name: string;
  uuid: string;
  friendly: string;
  type: string;
  tunnelKey: number;
  dp: Datapath;
  peer: Port | null;
  distributed: Port | null;
  portSecurity: readonly string[];
}
export interface McGroup {
  name: string;
  tunnelKey: number;
  ports: Port[];
}
export interface Flow {
  uuid: string;
  pipeline: Pipeline;
  tableId: number;
  priority: number;
  stageName: string | null;
  source: string | null;
  /** The match as written, with port names made friendly. */
  matchText: string;
  /** The checked match AND the actions' prerequisites, annotated. */
  match: Expr;
  /** Match "1" with the single action "next;" to the following table: upstream leaves these out. */
  trivial: boolean;
  actions: Actions;
}
export interface Datapath {
  uuid: string;
  nbUuid: string;
  name: string;
  friendly: string;
  tunnelKey: number;
  hasL3Gateway: boolean;
  ports: Map<string, Port>;
  mcGroups: Map<string, McGroup>;
  flows: Flow[];
  /** "portName|ip" -> MAC. */
  macBindings: Map<string, bigint>;
}
export interface TraceDb {
  symtab: Symtab;
  datapaths: Datapath[];
  ports: Map<string, Port>;
  lbVips: readonly string[];
  /** Flows or rows that could not be used, with the reason (upstream logs these and goes on). */
  warnings: string[];
}

/** Most logical flows a database may hold for us to load (bounds memory on a hostile server). */
export const maxFlowsCount = 2_000_000;

const uuidTail = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Upstream shorten_uuid: a name ending in a UUID keeps only the UUID's first 6 characters. */
export function shortenUuid(s: string): string {
  return uuidTail.test(s) ? s.slice(0, s.length - 30) : s;
}

export function buildTraceDb(data: SbData, symtab: Symtab, friendlyNames = true): TraceDb {
  const warnings: string[] = [];
  const dps = new Map<string, Datapath>();
  for (const d of data.datapaths) {
    const ids = d.externalIds;
    const nbUuid = ids['logical-switch'] ?? ids['logical-router'] ?? d.uuid;
    const name = ids['name'] ?? nbUuid;
    const name2 = ids['name2'];
    dps.set(d.uuid, {
      uuid: d.uuid, nbUuid, name, tunnelKey: d.tunnelKey, hasL3Gateway: false,
      friendly: friendlyNames ? shortenUuid(name2 ?? name) : nbUuid,
      ports: new Map(), mcGroups: new Map(), flows: [], macBindings: new Map(),
    });
  }
  const ports = new Map<string, Port>();
  const byUuid = new Map<string, Port>();
  for (const p of data.ports) {
    const dp = dps.get(p.datapath);
    if (!dp) { warnings.push(`logical port ${p.logicalPort} missing datapath`); continue; }
    if (ports.has(p.logicalPort)) { warnings.push(`duplicate logical port name ${p.logicalPort}`); continue; }
    const name2 = p.externalIds['name'];
    const port: Port = {
      name: p.logicalPort, uuid: p.uuid, type: p.type, tunnelKey: p.tunnelKey, dp, peer: null, distributed: null,
      friendly: friendlyNames ? shortenUuid(name2 ?? p.logicalPort) : p.logicalPort, portSecurity: p.portSecurity,
    };
    ports.set(port.name, port);
    byUuid.set(p.uuid, port);
    dp.ports.set(port.name, port);
    if (p.type === 'l3gateway') dp.hasL3Gateway = true;
    if (p.type === 'patch' || p.type === 'l3gateway') {
      // Like upstream, a peer is linked when the second of the pair is read.
      const peer = p.options['peer'] !== undefined ? ports.get(p.options['peer']) : undefined;
      if (peer) { port.peer = peer; peer.peer = port; }
    }
  }
  for (const p of data.ports) {
    if (p.type !== 'chassisredirect') continue;
    const port = ports.get(p.logicalPort);
    const dist = p.options['distributed-port'] !== undefined ? ports.get(p.options['distributed-port']) : undefined;
    if (port && dist && dist.dp === port.dp) port.distributed = dist;
  }
  for (const g of data.mcGroups) {
    const dp = dps.get(g.datapath);
    if (!dp) { warnings.push(`logical multicast group ${g.name} missing datapath`); continue; }
    const members: Port[] = [];
    for (const u of g.ports) {
      const p = byUuid.get(u);
      if (!p) { warnings.push(`multicast group ${g.name}: missing port ${u}`); continue; }
      if (p.dp !== dp) { warnings.push(`multicast group ${g.name} contains port ${p.name} outside its datapath`); continue; }
      members.push(p);
    }
    members.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    dp.mcGroups.set(g.name, { name: g.name, tunnelKey: g.tunnelKey, ports: members });
  }
  if (data.flows.length > maxFlowsCount) throw new LflowError(0, `${data.flows.length} logical flows exceed maxFlowsCount ${maxFlowsCount}`);
  // Southbound port groups are per datapath ("<tunnel key>_<name>"); a match's @name means the one of
  // the datapath it is evaluated for (upstream expr_parse_string with dp->tunnel_key).
  const lookupFor = (dp: Datapath | null) => ({
    addressSet: (name: string) => data.addressSets[name],
    portGroup: (name: string) => (dp ? data.portGroups[`${dp.tunnelKey}_${name}`] : undefined) ?? data.portGroups[name],
  });
  const compile = (f: SbFlow, dp: Datapath | null): Omit<Flow, 'matchText'> | null => {
    const ctx = { symtab, names: lookupFor(dp) };
    try {
      const checked = checkMatch(parseMatchOrThrow(f.match), ctx);
      const actions = parseActionsOrThrow(f.actions);
      // checkActions leaves out the prerequisites of nested blocks, which belong to the packet they build.
      const prereqs = checkActions(actions, ctx).prereqs.map((p) => checkMatch(parseMatchOrThrow(p), ctx));
      const match = noneIsUnset(annotate(combine('and', [checked, ...prereqs]), symtab));
      const only = actions.statements.length === 1 ? actions.statements[0]! : null;
      const trivial = checked.type === 'bool' && checked.value && only !== null && only.type === 'action' && only.name === 'next' && only.args === null;
      return {
        uuid: f.uuid, pipeline: f.pipeline, tableId: f.tableId, priority: f.priority,
        stageName: f.externalIds['stage-name'] ?? null, source: f.externalIds['source'] ?? null, match, trivial, actions,
      };
    } catch (e) {
      if (!(e instanceof LflowError)) throw e;
      warnings.push(`flow ${f.uuid}${dp ? ` on ${dp.name}` : ''}: ${e.message}`);
      return null;
    }
  };
  for (const f of data.flows) {
    const perDatapath = f.match.includes('@');
    const shared = perDatapath ? null : compile(f, null);
    if (!perDatapath && shared === null) continue;
    const matchText = friendlyNames ? friendlyText(f.match, ports) : f.match;
    for (const d of f.datapaths) {
      const dp = dps.get(d);
      if (!dp) { warnings.push(`logical flow ${f.uuid} missing datapath`); continue; }
      const compiled = shared ?? compile(f, dp);
      if (compiled) dp.flows.push({ ...compiled, matchText });
    }
  }
  for (const dp of dps.values()) {
    dp.flows.sort((a, b) =>
      a.pipeline !== b.pipeline ? (a.pipeline === 'ingress' ? -1 : 1) : a.tableId !== b.tableId ? a.tableId - b.tableId : b.priority - a.priority,
    );
  }
  for (const m of data.macBindings) {
    const port = ports.get(m.logicalPort);
    if (!port) { warnings.push(`MAC_Binding: missing port ${m.logicalPort}`); continue; }
    if (port.dp.uuid !== m.datapath) { warnings.push(`MAC_Binding: port ${m.logicalPort} is in the wrong datapath`); continue; }
    const ip = ipKey(m.ip);
    const mac = parseMac(m.mac);
    if (ip === null || mac === null) { warnings.push(`MAC_Binding: bad address ${m.ip} / ${m.mac}`); continue; }
    port.dp.macBindings.set(`${port.name}|${ip}`, mac);
  }
  return { symtab, datapaths: [...dps.values()], ports, lbVips: data.lbVips, warnings };
}

/** Upstream ovntrace_make_names_friendly: quoted port names become the ports' friendly names. */
export function friendlyText(text: string, ports: ReadonlyMap<string, Port>): string {
  return text.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => {
    const p = ports.get(inner);
    return p ? JSON.stringify(p.friendly) : whole;
  });
}

/** A datapath by name, NB UUID or SB UUID (upstream ovntrace_datapath_find_by_name). */
export function findDatapath(db: TraceDb, name: string): Datapath | null {
  for (const dp of db.datapaths) if (dp.name === name || dp.uuid === name || dp.nbUuid === name || dp.friendly === name) return dp;
  return null;
}

/** A MAC_Binding key for an IP address: IPv4 as its IPv4-mapped IPv6 value, like upstream. */
export function ipKey(ip: string): string | null {
  const v4 = parseIpv4(ip);
  if (v4 !== null) return (0xffff00000000n | v4).toString(16);
  const v6 = parseIpv6(ip);
  return v6 === null ? null : v6.toString(16);
}

/**
 * Upstream looks port names up as tunnel keys, and "none" (like "") is key 0: `outport == "none"` holds
 * while no output port is set. Our packet keeps names, with "" for unset, so "none" becomes "".
 */
export function noneIsUnset(e: Expr): Expr {
  switch (e.type) {
    case 'strcmp':
      return e.value === 'none' ? { ...e, value: '' } : e;
    case 'and':
    case 'or':
      return { type: e.type, operands: e.operands.map(noneIsUnset) };
    case 'not':
      return { type: 'not', operand: noneIsUnset(e.operand) };
    default:
      return e;
  }
}
