// The OpenFlow pipeline interpreter ("xlate", after ofproto-dpif-xlate): walks tables from a starting table,
// executes instructions and actions on a packet state, and collects outputs, packet-ins, recirculations
// (ct with table=) and a trace like `ovs-appctl ofproto/trace`.
//
// Bounds as in OVS: 64 nested resubmits (MAX_DEPTH) and 4096 resubmits per packet (MAX_RESUBMITS); past either
// the translation fails and the packet is dropped. A paused controller action unwinds the interpreter, each
// level recording what it had left to do, which is exactly the continuation `resume` needs.
import {
  fieldByName, formatActions, formatFlow, ofppController, ofppInPort, type Action, type FlowMod, type Instruction, type NatAction,
} from '../../core/openflow';
import { Conntrack, natStateBits, tupleOf, type NatSpec, type Tuple } from './conntrack';
import { bytesToBig, ctBits, fieldParts, getField, S, setField, slot, setWhole, slotIsMeta, W, type FieldPart, type Slots } from './fields';
import { actionsOf, FlowTables, type Flow } from './flow-table';
import { chooseBuckets, GroupTable } from './groups';
import { buildLearnedFlow } from './learn';
import { writeBack } from './writeback';

export const maxResubmitDepth = 64;
export const maxResubmitsCount = 4096;
export const maxStackDepth = 1024;
export const ofppTable = 0xfffffff9;
export const ofppNormal = 0xfffffffa;
export const ofppFlood = 0xfffffffb;
export const ofppAll = 0xfffffffc;
export const ofppLocal = 0xfffffffe;
const ofpp16InPort = 0xfff8;

export interface Output { readonly port: number; readonly frame: Uint8Array; readonly state: Slots }
export interface PacketInEvent {
  readonly reason: 'no_match' | 'action' | 'invalid_ttl';
  readonly tableId: number;
  readonly cookie: bigint;
  readonly userdata?: Uint8Array;
  readonly frame: Uint8Array;
  /** Pipeline fields at the time (in_port, metadata, registers, tunnel and ct fields...). */
  readonly state: Slots;
  readonly continuation?: Continuation;
}
export interface ContinuationFrame { readonly actions: readonly Action[]; readonly next: number; readonly restore?: Slots }
/** What a paused pipeline still had to do, innermost action list first. Opaque to controllers. */
export interface Continuation {
  readonly frames: readonly ContinuationFrame[];
  readonly state: Slots;
  readonly orig: Slots;
  readonly frame: Uint8Array;
  readonly tableId: number;
  readonly generation: number;
}
export interface TraceStep { readonly tableId: number; readonly flow?: string; readonly executed: string[]; readonly depth: number }
export interface Recirc { readonly state: Slots; readonly tableId: number }

export interface XlateEnv {
  readonly tables: FlowTables;
  readonly groups: GroupTable;
  readonly conntrack: Conntrack;
  nowMs(): number;
  portLive(port: number): boolean;
  floodPorts(): number[];
}

/** The OpenFlow action set with Open vSwitch's ordering (ovs-actions(7) "Action Sets"): one action of each
 * kind (a later one replaces it), field changes cumulative in the order written, and only the first present
 * of group, output, resubmit, ct_clear, ct. */
const actionSetSingles = ['pop_vlan', 'pop_mpls', 'push_mpls', 'push_vlan', 'dec_ttl', 'dec_mpls_ttl'] as const;
const actionSetMods = new Set(['set_field', 'copy_field', 'set_tunnel', 'set_tunnel64']);
const actionSetTerminals = ['group', 'output', 'resubmit', 'ct_clear', 'ct'] as const;
export const maxActionSetModsCount = 1024;

class ActionSet {
  private singles = new Map<string, Action>();
  private mods: Action[] = [];

  write(actions: readonly Action[]): void {
    for (const a of actions) {
      if (actionSetMods.has(a.type)) {
        if (this.mods.length >= maxActionSetModsCount) throw new XlateFailure(`action set over ${maxActionSetModsCount} field changes`);
        this.mods.push(a);
      } else if ((actionSetSingles as readonly string[]).includes(a.type) || (actionSetTerminals as readonly string[]).includes(a.type) || a.type === 'set_queue') {
        this.singles.set(a.type, a);
      } else {
        throw new XlateFailure(`action ${a.type} cannot be in an action set`);
      }
    }
  }
  clear(): void {
    this.singles = new Map();
    this.mods = [];
  }
  ordered(): Action[] {
    const out: Action[] = [];
    for (const t of actionSetSingles) { const a = this.singles.get(t); if (a) out.push(a); }
    out.push(...this.mods);
    const q = this.singles.get('set_queue');
    if (q) out.push(q);
    for (const t of actionSetTerminals) { const a = this.singles.get(t); if (a) { out.push(a); break; } }
    return out;
  }
}

class PauseSignal {
  readonly frames: ContinuationFrame[] = [];
  constructor(readonly event: Omit<PacketInEvent, 'continuation'>) {}
}
class XlateFailure extends Error {}

export interface XlateResult {
  outputs: Output[];
  packetIns: PacketInEvent[];
  recircs: Recirc[];
  trace: TraceStep[];
  /** Datapath-style actions in order: "output:N", "ct(...)", "controller", "drop"... */
  dpActions: string[];
  flows: Flow[];
  cacheable: boolean;
  error?: string;
}

export class Xlate {
  readonly r: XlateResult = { outputs: [], packetIns: [], recircs: [], trace: [], dpActions: [], flows: [], cacheable: true };
  private depth = 0;
  private resubmits = 0;
  private halted = false;
  private tableId = 0;
  private readonly stack: bigint[] = [];
  private readonly actionSet = new ActionSet();

  constructor(private readonly env: XlateEnv, public s: Slots, private readonly orig: Slots, private readonly frame: Uint8Array,
    private readonly tracing: boolean) {}

  /** Runs the pipeline from `tableId`; then the action set. */
  runFrom(tableId: number): XlateResult {
    return this.guard(() => {
      this.table(tableId);
      const set = this.actionSet.ordered();
      if (set.length === 0) return;
      this.halted = false;
      if (this.tracing) this.r.trace.push({ tableId: this.tableId, flow: 'action set', executed: [formatActions(set)], depth: 0 });
      this.actions(set);
    });
  }

  /** Runs a bare action list (packet-out). */
  runActions(actions: readonly Action[]): XlateResult {
    return this.guard(() => this.actions(actions, 0));
  }

  /** Continues a paused pipeline. */
  resume(c: Continuation): XlateResult {
    this.tableId = c.tableId;
    return this.guard(() => {
      for (const f of c.frames) {
        if (this.halted) break;
        this.actions(f.actions, f.next);
        if (f.restore) this.s = f.restore;
      }
    });
  }

  private guard(body: () => void): XlateResult {
    try {
      body();
    } catch (e) {
      if (e instanceof PauseSignal) {
        this.r.packetIns.push({ ...e.event, continuation: {
          frames: e.frames, state: e.event.state, orig: this.orig, frame: this.frame, tableId: this.tableId,
          generation: this.env.tables.generation,
        } });
        this.r.cacheable = false;
      } else if (e instanceof XlateFailure) {
        this.r.error = e.message;
        this.r.outputs.length = 0;
        this.r.recircs.length = 0;
        this.r.dpActions.push(`drop (${e.message})`);
        this.r.cacheable = false;
      } else {
        throw e;
      }
    }
    if (this.r.outputs.length === 0 && this.r.dpActions.length === 0) this.r.dpActions.push('drop');
    return this.r;
  }

  private table(tableId: number): void {
    this.tableId = tableId;
    const flow = this.env.tables.lookup(tableId, this.s);
    const step: TraceStep | undefined = this.tracing
      ? { tableId, ...(flow ? { flow: formatFlow(flow) } : {}), executed: [], depth: this.depth } : undefined;
    if (step) this.r.trace.push(step);
    if (!flow) return; // OpenFlow 1.3+ table miss: drop
    this.r.flows.push(flow);
    this.instructions(flow, flow.instructions, step);
  }

  private instructions(flow: Flow, list: readonly Instruction[], step: TraceStep | undefined): void {
    let gotoTable: number | undefined;
    for (let k = 0; k < list.length; k++) {
      const ins = list[k]!;
      if (this.halted) return;
      switch (ins.type) {
        case 'apply_actions':
          if (step) step.executed.push(formatActions(ins.actions));
          this.actions(ins.actions, 0, flow);
          break;
        case 'write_metadata':
          setField(this.s, fieldParts(metadataField), ins.metadata, ins.mask);
          break;
        case 'goto_table':
          gotoTable = ins.tableId;
          break;
        case 'write_actions':
          if (step) step.executed.push(`write_actions(${formatActions(ins.actions)})`);
          this.actionSet.write(ins.actions);
          break;
        case 'clear_actions':
          this.actionSet.clear();
          break;
        default:
          break;
      }
    }
    if (gotoTable !== undefined && !this.halted) {
      if (gotoTable <= this.tableId) throw new XlateFailure(`goto_table ${gotoTable} from table ${this.tableId} goes backwards`);
      this.table(gotoTable);
    }
  }

  private actions(list: readonly Action[], from = 0, flow?: Flow): void {
    let i = from;
    try {
      for (; i < list.length; i++) {
        if (this.halted) return;
        this.action(list[i]!, flow);
      }
    } catch (e) {
      if (e instanceof PauseSignal) e.frames.push({ actions: list, next: i + 1 });
      throw e;
    }
  }

  private emit(port: number): void {
    const frame = writeBack(this.frame, this.orig, this.s);
    this.r.outputs.push({ port, frame, state: this.s.slice() });
    this.r.dpActions.push(`output:${port >>> 0}`);
  }

  private output(port: number): void {
    port >>>= 0;
    const inPort = (this.s[S.in_port] as number) >>> 0;
    if (port === ofppInPort) return this.emit(inPort);
    if (port === ofppTable) return this.table(0);
    if (port === ofppController) return this.controller('action', undefined, false);
    if (port === ofppAll || port === ofppFlood) {
      for (const p of this.env.floodPorts()) if (p !== inPort) this.emit(p);
      return;
    }
    if (port === ofppNormal) throw new XlateFailure('output to NORMAL is not supported by the simulated switch');
    if (port === inPort) {
      if (this.tracing) this.r.trace.at(-1)?.executed.push(`skipping output to input port ${port}`);
      return;
    }
    if (!this.env.portLive(port)) return;
    this.emit(port);
  }

  private controller(reason: PacketInEvent['reason'], userdata: Uint8Array | undefined, pause: boolean, flow?: Flow): void {
    this.r.cacheable = false;
    const event = {
      reason, tableId: this.tableId, cookie: flow?.cookie ?? 0n, ...(userdata ? { userdata } : {}),
      frame: writeBack(this.frame, this.orig, this.s), state: this.s.slice(),
    };
    this.r.dpActions.push(pause ? 'controller(pause)' : 'controller');
    if (pause) throw new PauseSignal(event);
    this.r.packetIns.push(event);
  }

  private resubmit(inPort: number, tableId: number): void {
    if (++this.resubmits > maxResubmitsCount) throw new XlateFailure(`over ${maxResubmitsCount} resubmit actions`);
    if (this.depth >= maxResubmitDepth) throw new XlateFailure(`over max translation depth ${maxResubmitDepth}`);
    const savedTable = this.tableId;
    const savedInPort = this.s[S.in_port];
    if (inPort !== ofpp16InPort && inPort !== ofppInPort) this.s[S.in_port] = inPort;
    this.depth++;
    this.table(tableId === 255 ? savedTable : tableId);
    this.depth--;
    this.s[S.in_port] = savedInPort;
    this.tableId = savedTable;
  }

  private action(a: Action, flow: Flow | undefined): void {
    const s = this.s;
    switch (a.type) {
      case 'output': return this.output(a.port);
      case 'output_reg': {
        const v = getField(s, fieldParts(a.src.field));
        if (v !== undefined) this.output(Number((v >> BigInt(a.src.ofs)) & ((1n << BigInt(a.src.nBits)) - 1n)));
        return;
      }
      case 'resubmit': return this.resubmit(a.inPort, a.table);
      case 'set_field': {
        const c = compiledSetField(a);
        if (c.slot >= 0) {
          const cur = s[c.slot] ?? (slotIsMeta(c.slot) ? 0 : undefined);
          if (typeof cur === 'number') s[c.slot] = ((cur & ~c.mask) | c.value) >>> 0;
          return;
        }
        setField(s, c.parts, c.v, c.m);
        return;
      }
      case 'copy_field': {
        const v = getField(s, fieldParts(a.src.field));
        if (v === undefined) return;
        const bits = (v >> BigInt(a.src.ofs)) & ((1n << BigInt(a.src.nBits)) - 1n);
        setField(s, fieldParts(a.dst.field), bits << BigInt(a.dst.ofs), ((1n << BigInt(a.dst.nBits)) - 1n) << BigInt(a.dst.ofs));
        return;
      }
      case 'set_tunnel': setWhole(s, W.tun_id, BigInt(a.tunId)); return;
      case 'set_tunnel64': setWhole(s, W.tun_id, a.tunId); return;
      case 'write_metadata': setField(s, fieldParts(metadataField), a.metadata, a.mask); return;
      case 'push_vlan': if (s[S.vlan_tci] === 0) s[S.vlan_tci] = 0x1000; return;
      case 'pop_vlan': s[S.vlan_tci] = 0; return;
      case 'dec_ttl':
      case 'dec_ttl_cnt_ids': {
        const ttl = s[S.nw_ttl];
        if (typeof ttl !== 'number') return;
        if (ttl <= 1) {
          this.controller('invalid_ttl', undefined, false, flow);
          this.halted = true;
          return;
        }
        s[S.nw_ttl] = ttl - 1;
        return;
      }
      case 'set_nw_ttl': if (s[S.nw_ttl] !== undefined) s[S.nw_ttl] = a.ttl; return;
      case 'controller': return this.controller('action', undefined, false, flow);
      case 'controller2': return this.controller('action', a.userdata, a.pause, flow);
      case 'group': return this.group(a.groupId);
      case 'clone': {
        const saved = s.slice();
        try {
          this.actions(a.actions, 0, flow);
        } catch (e) {
          if (e instanceof PauseSignal) e.frames.push({ actions: [], next: 0, restore: saved });
          throw e;
        }
        this.s = saved;
        return;
      }
      case 'ct': return this.ct(a);
      case 'ct_clear':
        for (const i of [S.ct_state, S.ct_zone, S.ct_mark, S.ct_nw_proto, S.ct_nw_src, S.ct_nw_dst, S.ct_tp_src, S.ct_tp_dst]) s[i] = 0;
        setWhole(s, W.ct_label, 0n);
        return;
      case 'learn': {
        this.r.cacheable = false;
        const fm: FlowMod = buildLearnedFlow(a, s);
        this.env.tables.apply(fm, this.env.nowMs());
        this.r.dpActions.push(`learn(table=${a.tableId})`);
        return;
      }
      case 'check_pkt_larger': {
        const larger = this.frame.length > a.pktLen ? 1n : 0n;
        setField(s, fieldParts(a.dst.field), larger << BigInt(a.dst.ofs), 1n << BigInt(a.dst.ofs));
        return;
      }
      case 'exit': this.halted = true; return;
      case 'stack_push': {
        if (this.stack.length >= maxStackDepth) throw new XlateFailure(`stack over ${maxStackDepth} entries`);
        const v = getField(s, fieldParts(a.field.field)) ?? 0n;
        this.stack.push((v >> BigInt(a.field.ofs)) & ((1n << BigInt(a.field.nBits)) - 1n));
        return;
      }
      case 'stack_pop': {
        const v = this.stack.pop();
        if (v === undefined) throw new XlateFailure('pop from an empty stack');
        setField(s, fieldParts(a.field.field), v << BigInt(a.field.ofs), ((1n << BigInt(a.field.nBits)) - 1n) << BigInt(a.field.ofs));
        return;
      }
      case 'multipath': {
        const n = a.maxLink + 1;
        const v = BigInt(((flowHashFor(s, a.basis) >>> 0) % n));
        setField(s, fieldParts(a.dst.field), v << BigInt(a.dst.ofs), ((1n << BigInt(a.dst.nBits)) - 1n) << BigInt(a.dst.ofs));
        return;
      }
      case 'conjunction': case 'note': case 'set_queue': case 'pop_queue': case 'meter': case 'sample': case 'fin_timeout':
        return;
      case 'nat':
        throw new XlateFailure('nat outside ct');
      default:
        throw new XlateFailure(`action ${a.type} is not supported by the simulated switch`);
    }
  }

  private group(groupId: number): void {
    const g = this.env.groups.get(groupId);
    if (!g) throw new XlateFailure(`group ${groupId} does not exist`);
    if (this.depth >= maxResubmitDepth) throw new XlateFailure(`over max translation depth ${maxResubmitDepth}`);
    this.depth++;
    for (const b of chooseBuckets(g, this.s, (p) => this.env.portLive(p))) {
      const saved = this.s.slice();
      this.actions(b.actions);
      this.s = saved;
    }
    this.depth--;
  }

  private ct(a: Extract<Action, { type: 'ct' }>): void {
    this.r.cacheable = false;
    const s = this.s;
    const zone = a.zoneSrc
      ? Number(((getField(s, fieldParts(a.zoneSrc.field)) ?? 0n) >> BigInt(a.zoneSrc.ofs)) & ((1n << BigInt(a.zoneSrc.nBits)) - 1n))
      : a.zoneImm;
    const nat = a.actions.find((x): x is NatAction => x.type === 'nat');
    const commit = (a.flags & 1) !== 0;
    const tuple = tupleOf(s, icmpIdOf(this.frame, s));
    const res = this.env.conntrack.process(tuple, {
      zone, commit, ...(nat ? { nat: natSpecOf(nat) } : {}), ...icmpInnerOf(this.frame, s),
      ...(s[slot('tcp_flags')] !== undefined ? { tcpFlags: s[slot('tcp_flags')] as number } : {}),
    });
    const after = s.slice();
    after[S.ct_state] = res.state | (res.rewrite && res.conn ? natStateBits(res.conn, res.reply ?? false) : 0);
    after[S.ct_zone] = zone;
    const c = res.conn;
    if (c && commit) {
      for (const x of a.actions) {
        if (x.type !== 'set_field') continue;
        const v = bytesToBig(x.entry.value);
        const m = x.entry.mask ? bytesToBig(x.entry.mask) : (1n << BigInt(x.entry.value.length * 8)) - 1n;
        if (x.entry.field.name === 'ct_mark') c.mark = Number((BigInt(c.mark) & ~m) | (v & m)) >>> 0;
        if (x.entry.field.name === 'ct_label') c.label = (c.label & ~m) | (v & m);
      }
    }
    after[S.ct_mark] = c ? c.mark : 0;
    setWhole(after, W.ct_label, c ? c.label : 0n);
    const o: Tuple | undefined = c?.orig ?? (tuple && !tuple.v6 ? tuple : undefined);
    if (o && !o.v6) {
      after[S.ct_nw_src] = o.src as number; after[S.ct_nw_dst] = o.dst as number; after[S.ct_nw_proto] = o.proto;
      after[S.ct_tp_src] = o.proto === 1 ? 0 : o.sport; after[S.ct_tp_dst] = o.proto === 1 ? 0 : o.dport;
    }
    if (res.rewrite) {
      const rw = res.rewrite;
      const v6 = s[W.ipv6_src[0]!.slot] !== undefined;
      const setL3 = (i4: number, w6: readonly FieldPart[], v: number | bigint | undefined) => {
        if (v === undefined) return;
        if (v6) setWhole(after, w6, BigInt(v));
        else after[i4] = Number(v);
      };
      setL3(S.ip_src, W.ipv6_src, rw.src);
      setL3(S.ip_dst, W.ipv6_dst, rw.dst);
      const proto = s[S.nw_proto];
      const ports = proto === 6 ? [S.tcp_src, S.tcp_dst] : proto === 17 ? [S.udp_src, S.udp_dst] : proto === 132 ? [S.sctp_src, S.sctp_dst] : undefined;
      if (ports) {
        if (rw.sport !== undefined) after[ports[0]!] = rw.sport;
        if (rw.dport !== undefined) after[ports[1]!] = rw.dport;
      }
      // The datapath NATs the packet itself, so later outputs in this pipeline carry the new headers too.
      for (const i of [S.ip_src, S.ip_dst, ...W.ipv6_src.map((p) => p.slot), ...W.ipv6_dst.map((p) => p.slot), ...(ports ?? [])]) s[i] = after[i];
    }
    this.r.dpActions.push(`ct(${commit ? 'commit,' : ''}zone=${zone}${nat ? ',nat' : ''})`);
    if (a.recircTable !== 255) {
      this.r.recircs.push({ state: after, tableId: a.recircTable });
      this.r.dpActions.push(`recirc(table=${a.recircTable})`);
    }
  }
}

const metadataField = fieldByName('metadata')!;

interface CompiledSetField { slot: number; mask: number; value: number; parts: FieldPart[]; v: bigint; m: bigint }
/** set_field compiled once per action object: a narrow one-slot field becomes two 32-bit numbers. */
const setFieldCache = new WeakMap<object, CompiledSetField>();
function compiledSetField(a: Extract<Action, { type: 'set_field' }>): CompiledSetField {
  let c = setFieldCache.get(a);
  if (c) return c;
  const v = bytesToBig(a.entry.value);
  const m = a.entry.mask ? bytesToBig(a.entry.mask) : (1n << BigInt(a.entry.value.length * 8)) - 1n;
  const parts = fieldParts(a.entry.field);
  const p = parts[0]!;
  const narrow = parts.length === 1 && p.shift + p.bits <= 32;
  const width = (1n << BigInt(p.bits)) - 1n;
  c = narrow
    ? { slot: p.slot, mask: Number((m & width) << BigInt(p.shift)) | 0, value: Number((v & m & width) << BigInt(p.shift)) | 0, parts, v, m }
    : { slot: -1, mask: 0, value: 0, parts, v, m };
  setFieldCache.set(a, c);
  return c;
}

function flowHashFor(s: Slots, basis: number): number {
  let h = (0x811c9dc5 ^ basis) >>> 0;
  for (const i of [S.ip_src, S.ip_dst, S.nw_proto, S.tcp_src, S.tcp_dst, S.udp_src, S.udp_dst]) {
    const t = String(s[i] ?? '-');
    for (let k = 0; k < t.length; k++) h = Math.imul(h ^ t.charCodeAt(k), 0x01000193);
  }
  return h;
}

function natSpecOf(n: NatAction): { spec?: NatSpec } {
  const kind = n.flags & 1 ? 'src' : n.flags & 2 ? 'dst' : undefined;
  if (!kind) return {};
  const addr = (b: Uint8Array | undefined) => (b ? (b.length === 4 ? Number(bytesToBig(b)) : bytesToBig(b)) : undefined);
  const addrMin = addr(n.ipv4Min ?? n.ipv6Min);
  const addrMax = addr(n.ipv4Max ?? n.ipv6Max);
  return { spec: {
    kind, ...(addrMin !== undefined ? { addrMin } : {}), ...(addrMax !== undefined ? { addrMax } : {}),
    ...(n.protoMin !== undefined ? { portMin: n.protoMin } : {}), ...(n.protoMax !== undefined ? { portMax: n.protoMax } : {}),
  } };
}

/** The ICMPv4 echo identifier (conntrack keys echo by it), 0 when absent. */
function icmpIdOf(frame: Uint8Array, s: Slots): number {
  if (s[S.nw_proto] !== 1 || s[S.eth_type] !== 0x0800) return 0;
  const l3 = 14 + (s[S.vlan_tci] ? 4 : 0);
  const at = l3 + (frame[l3]! & 0x0f) * 4 + 4;
  return at + 2 <= frame.length ? (frame[at]! << 8) | frame[at + 1]! : 0;
}

/** For an ICMPv4 error, the tuple of the packet it quotes, reversed to the direction of the original sender. */
function icmpInnerOf(frame: Uint8Array, s: Slots): { icmpInner?: Tuple } {
  if (s[S.nw_proto] !== 1 || s[S.eth_type] !== 0x0800) return {};
  const l3 = 14 + (s[S.vlan_tci] ? 4 : 0);
  const l4 = l3 + (frame[l3]! & 0x0f) * 4;
  const inner = l4 + 8;
  if (inner + 20 > frame.length) return {};
  const ihl = (frame[inner]! & 0x0f) * 4;
  const proto = frame[inner + 9]!;
  const rd32 = (at: number) => ((frame[at]! << 24) | (frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!) >>> 0;
  const rd16 = (at: number) => at + 2 <= frame.length ? (frame[at]! << 8) | frame[at + 1]! : 0;
  const p = inner + ihl;
  const ports = proto === 6 || proto === 17 || proto === 132 ? [rd16(p), rd16(p + 2)] : proto === 1 ? [rd16(p + 4), rd16(p + 4)] : [0, 0];
  return { icmpInner: { src: rd32(inner + 12), dst: rd32(inner + 16), proto, sport: ports[0]!, dport: ports[1]!, v6: false } };
}

export { actionsOf, ctBits };
