// A software OVS bridge for the simulator: ports, OpenFlow tables, groups, conntrack, packet-in/out with
// continuations, per-flow counters, ofproto/trace-like tracing and a translation cache.
//
// The cache ("megaflow-like", correctness first; xlate-cache.ts) is keyed by everything the flow key is
// extracted from: the ingress port, the tunnel metadata and the frame bytes. It stores the outputs (bytes) and the flows hit, so a
// repeated packet skips the table walk and still counts on every flow. Only translations without side effects
// are cached (no ct, learn, controller, recirculation or failure), and every flow, group or port change clears it.
import type { FlowMod, GroupMod, Action } from '../../core/openflow';
import type { Clock } from '../../core/runtime';
import { extractFlowKey, type FlowMetadata } from '../../core/packet';
import { assert } from '../../core/util/assert';
import { Conntrack } from './conntrack';
import { slotsFromKey, type Slots } from './fields';
import { FlowModError, FlowTables, type Flow } from './flow-table';
import { prerequisiteError } from './prerequisites';
import { GroupTable } from './groups';
import { decapsulate, encapsulate, type Port, type PortSpec } from './ports';
import { cacheHash, XlateCache } from './xlate-cache';
import { Xlate, ofppLocal, type Continuation, type PacketInEvent, type TraceStep, type XlateResult } from './xlate';

/** ct(table=) recirculations one packet may cause (OVS bounds recirculation depth likewise). */
export const maxRecircsPerPacketCount = 16;
export const maxPortsCount = 65_279;

export interface BridgeStats {
  received: number;
  cacheHits: number;
  cacheMisses: number;
  /** Dropped before the pipeline (malformed), by reason. */
  malformed: Map<string, number>;
  translationErrors: Map<string, number>;
}

export interface PortStatusEvent { readonly reason: 'add' | 'delete' | 'modify'; readonly port: Port }

export interface BridgeOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly cache?: boolean;
  readonly onPacketIn?: (p: PacketInEvent) => void;
  readonly onPortStatus?: (e: PortStatusEvent) => void;
}

export interface TraceResult { readonly steps: TraceStep[]; readonly dpActions: string[]; readonly outputs: number[] }


export class Bridge {
  readonly tables = new FlowTables();
  readonly groups = new GroupTable();
  readonly conntrack: Conntrack;
  readonly stats: BridgeStats = { received: 0, cacheHits: 0, cacheMisses: 0, malformed: new Map(), translationErrors: new Map() };
  private readonly ports = new Map<number, Port>();
  private readonly cache = new XlateCache();
  private cacheGeneration = -1;
  cacheEnabled: boolean;

  constructor(private readonly opts: BridgeOptions) {
    this.conntrack = new Conntrack(opts.clock);
    this.cacheEnabled = opts.cache ?? true;
    this.addPort({ name: opts.name, kind: 'local', ofport: ofppLocal });
  }

  get name(): string { return this.opts.name; }

  // ---- ports ----
  addPort(spec: PortSpec): Port {
    let no = spec.ofport;
    if (no === undefined) for (no = 1; this.ports.has(no); no++) assert(no < maxPortsCount, 'bridge: no free port number');
    if (this.ports.has(no)) throw new RangeError(`bridge ${this.name}: port number ${no} is taken`);
    if ([...this.ports.values()].some((p) => p.name === spec.name)) throw new RangeError(`bridge ${this.name}: port ${spec.name} exists`);
    const port: Port = { ...spec, ofport: no, up: true };
    this.ports.set(no, port);
    this.changed();
    this.opts.onPortStatus?.({ reason: 'add', port });
    return port;
  }
  deletePort(ofport: number): void {
    const p = this.ports.get(ofport);
    if (!p) return;
    this.ports.delete(ofport);
    this.changed();
    this.opts.onPortStatus?.({ reason: 'delete', port: p });
  }
  setPortUp(ofport: number, up: boolean): void {
    const p = this.ports.get(ofport);
    if (!p || p.up === up) return;
    p.up = up;
    this.changed();
    this.opts.onPortStatus?.({ reason: 'modify', port: p });
  }
  port(ofport: number): Port | undefined { return this.ports.get(ofport); }
  portList(): Port[] { return [...this.ports.values()].sort((a, b) => a.ofport - b.ofport); }

  private changed(): void {
    this.cache.clear();
  }

  // ---- OpenFlow state ----
  /** A controller's flow_mod: checked for field prerequisites as ovs-vswitchd does, then applied. */
  flowMod(fm: FlowMod): void {
    checkPrerequisites(fm);
    this.tables.apply(fm, this.opts.clock.nowMs());
    this.changed();
  }
  groupMod(gm: GroupMod): void {
    this.groups.apply(gm);
    this.changed();
  }
  /** Applies every message or none (OpenFlow bundle with the atomic flag). Rethrows the first failure. */
  bundle(mods: readonly (FlowMod | GroupMod)[]): void {
    const flows = this.tables.snapshot();
    const groups = this.groups.all().map((g) => g.mod);
    try {
      for (const m of mods) {
        if (m.type === 'flow_mod') {
          checkPrerequisites(m);
          this.tables.apply(m, this.opts.clock.nowMs());
        }
        else this.groups.apply(m);
      }
    } catch (e) {
      this.tables.restore(flows);
      this.groups.apply({ type: 'group_mod', xid: 0, command: 2, groupType: 0, groupId: 0xfffffffc, commandBucketId: 0, buckets: [], properties: [] });
      for (const g of groups) this.groups.apply({ ...g, command: 0 });
      throw e;
    } finally {
      this.changed();
    }
  }

  // ---- packets ----
  /** A frame arriving on port `ofport` (for a tunnel port: the underlay frame, decapsulated here). */
  receive(ofport: number, frame: Uint8Array): void {
    this.stats.received++;
    const port = this.ports.get(ofport);
    if (!port) return this.malformed(`no port ${ofport}`);
    if (!port.up) return this.malformed('port down');
    let meta: FlowMetadata = { in_port: ofport };
    let inner = frame;
    if (port.kind === 'tunnel') {
      const d = decapsulate(frame, ofport);
      if ('error' in d) return this.malformed(d.error);
      inner = d.inner;
      meta = d.meta;
    }
    this.process(inner, meta);
  }

  private malformed(reason: string): void {
    this.stats.malformed.set(reason, (this.stats.malformed.get(reason) ?? 0) + 1);
  }

  private process(frame: Uint8Array, meta: FlowMetadata): void {
    if (frame.length < 14) return this.malformed('frame shorter than an Ethernet header');
    let hash: number | undefined;
    // learn (inside a translation) and timeouts change tables without going through changed().
    const generation = this.tables.generation + this.groups.generation * 0x100000;
    if (generation !== this.cacheGeneration) {
      this.cache.clear();
      this.cacheGeneration = generation;
    }
    if (this.cacheEnabled) {
      hash = cacheHash(frame, meta);
      const hit = this.cache.get(hash, frame, meta);
      if (hit) {
        this.stats.cacheHits++;
        const now = this.opts.clock.nowMs();
        for (const f of hit.flows) { f.nPackets++; f.nBytes += frame.length; f.usedMs = now; }
        for (const o of hit.outputs) this.deliver(o.port, o.frame.slice(), o.state);
        return;
      }
      this.stats.cacheMisses++;
    }
    const fk = extractFlowKey(frame, meta);
    if (!fk) return this.malformed('frame shorter than an Ethernet header');
    const s = slotsFromKey(fk);
    const r = this.xlate(s, s.slice(), frame, false, (x) => x.runFrom(0));
    if (hash !== undefined && r.cacheable && r.recircs.length === 0) {
      this.cache.put(hash, frame, meta, r.outputs.map((o) => ({ port: o.port, frame: o.frame, state: o.state })), r.flows);
    }
  }

  /**
   * Runs a translation, then its recirculations. Without `trace` it delivers outputs and packet-ins and
   * counts flows; with `trace` it records instead — and with `alsoDeliver`, both (a real packet whose
   * fate is reported, processed exactly once).
   */
  private xlate(s: Slots, orig: Slots, frame: Uint8Array, tracing: boolean, run: (x: Xlate) => XlateResult, trace?: TraceResult, alsoDeliver = false): XlateResult {
    const env = {
      tables: this.tables, groups: this.groups, conntrack: this.conntrack, nowMs: () => this.opts.clock.nowMs(),
      portLive: (p: number) => this.ports.get(p)?.up === true,
      floodPorts: () => this.portList().filter((p) => p.up && p.kind !== 'local').map((p) => p.ofport),
    };
    const first = run(new Xlate(env, s, orig, frame, tracing));
    const now = this.opts.clock.nowMs();
    const queue = [first];
    let recircs = 0;
    for (let i = 0; i < queue.length; i++) {
      const r = queue[i]!;
      const real = !trace || alsoDeliver;
      if (real) for (const f of r.flows) { f.nPackets++; f.nBytes += frame.length; f.usedMs = now; }
      if (r.error) this.stats.translationErrors.set(r.error, (this.stats.translationErrors.get(r.error) ?? 0) + 1);
      if (trace) { trace.steps.push(...r.trace); trace.dpActions.push(...r.dpActions); trace.outputs.push(...r.outputs.map((o) => o.port)); }
      if (real) {
        for (const o of r.outputs) this.deliver(o.port, o.frame, o.state);
        for (const p of r.packetIns) this.opts.onPacketIn?.(p);
      }
      for (const rc of r.recircs) {
        if (++recircs > maxRecircsPerPacketCount) {
          this.stats.translationErrors.set('too many recirculations', (this.stats.translationErrors.get('too many recirculations') ?? 0) + 1);
          break;
        }
        queue.push(new Xlate(env, rc.state, orig, rc.frame ?? frame, tracing).runFrom(rc.tableId));
      }
    }
    return first;
  }

  private deliver(ofport: number, frame: Uint8Array, state: Slots): void {
    const p = this.ports.get(ofport);
    if (!p || !p.up) return;
    if (p.kind === 'tunnel') {
      assert(p.tunnel !== undefined, `tunnel port ${p.name} without tunnel config`);
      const enc = encapsulate(p.tunnel, frame, state);
      if ('error' in enc) return void this.stats.translationErrors.set(enc.error, (this.stats.translationErrors.get(enc.error) ?? 0) + 1);
      p.tunnel.underlaySend(enc);
    } else if (p.kind === 'patch') {
      p.peer?.(frame);
    } else {
      p.deliver?.(frame);
    }
  }

  /** Packet-out: runs `actions` on `frame` as if it arrived on `inPort` (OFPP_CONTROLLER when none). */
  packetOut(frame: Uint8Array, actions: readonly Action[], inPort = 0xfffffffd): void {
    const fk = extractFlowKey(frame, { in_port: inPort });
    if (!fk) return this.malformed('packet-out frame shorter than an Ethernet header');
    const s = slotsFromKey(fk);
    this.xlate(s, s.slice(), frame, false, (x) => x.runActions(actions));
  }

  /** Resumes a paused pipeline (NXT_RESUME); a continuation from before a flow change still resumes, as in OVS. */
  resume(c: Continuation): void {
    this.xlate(c.state.slice(), c.orig, c.frame, false, (x) => x.resume(c));
  }

  /**
   * A real packet arriving on `ofport`, processed like receive() (bypassing the cache) and traced in the
   * same pass: for reporting a replayed packet's fate without running its pipeline (and its conntrack or
   * learn side effects) twice.
   */
  receiveTraced(ofport: number, frame: Uint8Array): TraceResult {
    const out: TraceResult = { steps: [], dpActions: [], outputs: [] };
    this.stats.received++;
    const port = this.ports.get(ofport);
    if (!port || !port.up) {
      this.malformed(port ? 'port down' : `no port ${ofport}`);
      return { ...out, dpActions: [`drop (${port ? 'port down' : `no port ${ofport}`})`] };
    }
    let meta: FlowMetadata = { in_port: ofport };
    let inner = frame;
    if (port.kind === 'tunnel') {
      const d = decapsulate(frame, ofport);
      if ('error' in d) {
        this.malformed(d.error);
        return { ...out, dpActions: [`drop (${d.error})`] };
      }
      inner = d.inner;
      meta = d.meta;
    }
    const fk = inner.length >= 14 ? extractFlowKey(inner, meta) : undefined;
    if (!fk) {
      this.malformed('frame shorter than an Ethernet header');
      return { ...out, dpActions: ['drop (frame shorter than an Ethernet header)'] };
    }
    const s = slotsFromKey(fk);
    this.xlate(s, s.slice(), inner, true, (x) => x.runFrom(0), out, true);
    return out;
  }

  /** Like `ovs-appctl ofproto/trace`: what the packet would do, with conntrack and learn side effects. */
  trace(ofport: number, frame: Uint8Array): TraceResult {
    const out: TraceResult = { steps: [], dpActions: [], outputs: [] };
    const fk = extractFlowKey(frame, { in_port: ofport });
    if (!fk) return { ...out, dpActions: ['drop (frame shorter than an Ethernet header)'] };
    const s = slotsFromKey(fk);
    this.xlate(s, s.slice(), frame, true, (x) => x.runFrom(0), out);
    return out;
  }

  /** Removes flows whose idle or hard timeout passed on the bridge clock; call from a timer. */
  expireFlows(): Flow[] {
    const now = this.opts.clock.nowMs();
    const gone = this.tables.allFlows().filter((f) =>
      (f.hardTimeout > 0 && now - f.createdMs >= f.hardTimeout * 1000) || (f.idleTimeout > 0 && now - f.usedMs >= f.idleTimeout * 1000));
    for (const f of gone) this.tables.remove(f);
    if (gone.length) this.changed();
    return gone;
  }
}

function checkPrerequisites(fm: FlowMod): void {
  // Deletes and non-strict modifies select flows; only what gets installed must be consistent.
  if (fm.command !== 0 && fm.command !== 1 && fm.command !== 2) return;
  const why = prerequisiteError(fm);
  if (why) throw new FlowModError('bad_match', why);
}
