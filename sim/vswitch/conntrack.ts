// Per-zone connection tracking with the states OVS's userspace conntrack (netdev datapath) reports:
// trk with new/est/rel/rpl/inv, commit, ct_mark/ct_label, SNAT/DNAT with address and port ranges and un-NAT
// on replies, ICMP errors related to a tracked connection, and timeouts measured on the handed Clock.
//
// State rules as ovs-vswitchd 3.1 reports them (checked in differential.test.ts): a committed connection stays
// "new" in the original direction until a reply is seen; a reply makes it "est|rpl" and later packets "est".
// ICMP echo request/reply share one tuple keyed by the identifier; a reply without a connection is invalid.
// TCP: the window tracking of conntrack-tcp.c is not modelled, only which first packets may open a connection.
// NAT allocation is deterministic (lowest free address, then the packet's own port if in range and free,
// else the lowest free port), where OVS hashes to pick a starting point; with one address and no port range
// (as OVN configures SNAT) both choose the same.
import type { Clock } from '../../core/runtime';
import { assert } from '../../core/util/assert';
import { ctBits, getField, S, W, type Slots } from './fields';

export interface Tuple {
  readonly src: number | bigint; readonly dst: number | bigint; readonly proto: number; readonly sport: number; readonly dport: number;
  readonly v6: boolean;
  /** ICMP type (not part of the key: echo request and reply share the identifier in both port positions). */
  readonly icmpType?: number;
}

export interface NatSpec {
  readonly kind: 'src' | 'dst';
  readonly addrMin?: number | bigint;
  readonly addrMax?: number | bigint;
  readonly portMin?: number;
  readonly portMax?: number;
}

export interface Conn {
  readonly zone: number;
  readonly orig: Tuple;
  reply: Tuple;
  nat?: NatSpec;
  mark: number;
  label: bigint;
  /** 'first' | 'multiple' | 'bidir' as in conntrack-other.c. */
  state: 'first' | 'multiple' | 'bidir';
  expiresAtMs: number;
}

/** Default timeouts of OVS's userspace conntrack (ovs-vswitchd.conf.db "CT_Timeout_Policy"), in ms. */
export const ctTimeoutsMs = {
  otherFirst: 60_000, otherMultiple: 60_000, otherBidir: 30_000, icmpFirst: 60_000, icmpReply: 30_000,
  tcpSynSent: 30_000, tcpEstablished: 86_400_000,
} as const;
export const maxConnectionsCount = 100_000;
/** Bound on NAT candidates tried before giving up (range exhausted). */
export const maxNatProbesCount = 65_536;

const icmpEchoRequest = 8;
const icmpErrorTypes = new Set([3, 4, 5, 11, 12]);
const tcpFin = 0x01;
const tcpSyn = 0x02;
const tcpRst = 0x04;
const tcpAck = 0x10;

/** conntrack-tcp.c: any packet may open a connection except SYN+ACK (a half-open), no flags at all, or
 * SYN with RST or FIN. */
function tcpValidNew(flags: number): boolean {
  if ((flags & 0x3f) === 0) return false;
  if ((flags & tcpSyn) && (flags & (tcpRst | tcpFin))) return false;
  return !((flags & tcpSyn) && (flags & tcpAck));
}

function tupleKey(zone: number, t: Tuple): string {
  return `${zone}|${t.v6 ? 6 : 4}|${t.src}|${t.dst}|${t.proto}|${t.sport}|${t.dport}`;
}
function reverse(t: Tuple): Tuple {
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport, v6: t.v6 };
}

/** The tuple of a packet state, or undefined when conntrack cannot track it (non-IP: invalid). */
export function tupleOf(s: Slots, icmpId = 0): Tuple | undefined {
  const v6 = s[W.ipv6_src[0]!.slot] !== undefined;
  const src = v6 ? getField(s, W.ipv6_src) : s[S.ip_src];
  const dst = v6 ? getField(s, W.ipv6_dst) : s[S.ip_dst];
  const proto = s[S.nw_proto];
  if (src === undefined || dst === undefined || typeof proto !== 'number') return undefined;
  if (proto === 1) {
    const type = (s[S.icmp_type] as number | undefined) ?? 0;
    return { src, dst, proto, sport: icmpId, dport: icmpId, v6, icmpType: type };
  }
  const ports = portsOf(s, proto);
  return { src, dst, proto, sport: ports[0], dport: ports[1], v6 };
}

function portsOf(s: Slots, proto: number): [number, number] {
  const n = (i: number) => (s[i] as number | undefined) ?? 0;
  if (proto === 6) return [n(S.tcp_src), n(S.tcp_dst)];
  if (proto === 17) return [n(S.udp_src), n(S.udp_dst)];
  if (proto === 132) return [n(S.sctp_src), n(S.sctp_dst)];
  return [0, 0];
}

export interface CtResult {
  /** ct_state bits for the packet (always includes trk). */
  readonly state: number;
  readonly conn?: Conn;
  /** The packet went in the reply direction of `conn`. */
  readonly reply?: boolean;
  /** Header rewrite NAT asks for: new src/dst address and port, or nothing. */
  readonly rewrite?: { readonly src?: number | bigint; readonly sport?: number; readonly dst?: number | bigint; readonly dport?: number };
}

export interface CtRequest {
  readonly zone: number;
  readonly commit: boolean;
  /** The ct action had a nat clause; `spec` when it gave a range (for new connections). */
  readonly nat?: { readonly spec?: NatSpec };
  /** ICMP error inner tuple (orig direction as seen by the sender of the erroring packet), for rel. */
  readonly icmpInner?: Tuple;
  readonly tcpFlags?: number;
}

export class Conntrack {
  private readonly byTuple = new Map<string, { conn: Conn; reply: boolean }>();
  private connCount = 0;

  constructor(private readonly clock: Clock) {}

  get size(): number { return this.connCount; }

  /** All live connections (for dump-conntrack style checks). */
  connections(): Conn[] {
    const now = this.clock.nowMs();
    const out: Conn[] = [];
    for (const [k, e] of this.byTuple) {
      if (!e.reply && e.conn.expiresAtMs > now && k === tupleKey(e.conn.zone, e.conn.orig)) out.push(e.conn);
    }
    return out;
  }

  flush(zone?: number): void {
    for (const [k, e] of this.byTuple) if (zone === undefined || e.conn.zone === zone) this.byTuple.delete(k);
    this.connCount = 0;
    for (const e of this.byTuple.values()) if (!e.reply) this.connCount++;
  }

  private find(zone: number, t: Tuple): { conn: Conn; reply: boolean } | undefined {
    const k = tupleKey(zone, t);
    const e = this.byTuple.get(k);
    if (!e) return undefined;
    if (e.conn.expiresAtMs <= this.clock.nowMs()) {
      this.remove(e.conn);
      return undefined;
    }
    return e;
  }

  private remove(c: Conn): void {
    this.byTuple.delete(tupleKey(c.zone, c.orig));
    this.byTuple.delete(tupleKey(c.zone, c.reply));
    this.connCount--;
  }

  /** Runs one packet through zone `req.zone`. */
  process(tuple: Tuple | undefined, req: CtRequest): CtResult {
    if (!tuple) return { state: ctBits.trk | ctBits.inv };
    if (tuple.proto === 1 && icmpErrorTypes.has(tuple.icmpType ?? -1) && req.icmpInner) {
      const inner = this.find(req.zone, req.icmpInner);
      return inner ? { state: ctBits.trk | ctBits.rel | (inner.reply ? ctBits.rpl : 0), conn: inner.conn, reply: inner.reply }
        : { state: ctBits.trk | ctBits.inv };
    }
    const found = this.find(req.zone, tuple);
    if (found) return this.update(found.conn, found.reply, req);
    if (tuple.proto === 6 && !tcpValidNew(req.tcpFlags ?? 0)) return { state: ctBits.trk | ctBits.inv };
    if (tuple.proto === 1 && tuple.icmpType !== icmpEchoRequest) return { state: ctBits.trk | ctBits.inv };
    if (!req.commit) return { state: ctBits.trk | ctBits.new };
    return this.create(tuple, req);
  }

  private create(tuple: Tuple, req: CtRequest): CtResult {
    if (this.connCount >= maxConnectionsCount) return { state: ctBits.trk | ctBits.inv };
    const spec = req.nat?.spec;
    let reply = reverse(tuple);
    if (spec) {
      const chosen = this.allocate(req.zone, tuple, spec);
      if (!chosen) return { state: ctBits.trk | ctBits.inv };
      reply = chosen;
    }
    const conn: Conn = {
      zone: req.zone, orig: tuple, reply, mark: 0, label: 0n, state: 'first',
      expiresAtMs: this.clock.nowMs() + this.timeout(tuple.proto, 'first'),
      ...(spec ? { nat: spec } : {}),
    };
    this.byTuple.set(tupleKey(req.zone, tuple), { conn, reply: false });
    this.byTuple.set(tupleKey(req.zone, reply), { conn, reply: true });
    this.connCount++;
    return { state: ctBits.trk | ctBits.new, conn, reply: false, ...this.natRewrite(conn, false, req) };
  }

  private update(conn: Conn, reply: boolean, req: CtRequest): CtResult {
    let state: number = ctBits.trk;
    if (reply && conn.state !== 'bidir') {
      conn.state = 'bidir';
      state |= ctBits.est | ctBits.rpl;
    } else if (conn.state !== 'bidir') {
      // Until a reply is seen the original direction keeps reporting "new" (checked against ovs-vswitchd).
      if (conn.orig.proto !== 1) conn.state = 'multiple';
      state |= ctBits.new;
    } else {
      state |= ctBits.est | (reply ? ctBits.rpl : 0);
    }
    conn.expiresAtMs = this.clock.nowMs() + this.timeout(conn.orig.proto, conn.state);
    return { state, conn, reply, ...this.natRewrite(conn, reply, req) };
  }

  private timeout(proto: number, state: Conn['state']): number {
    if (proto === 1) return state === 'bidir' ? ctTimeoutsMs.icmpReply : ctTimeoutsMs.icmpFirst;
    if (proto === 6) return state === 'bidir' ? ctTimeoutsMs.tcpEstablished : ctTimeoutsMs.tcpSynSent;
    return state === 'first' ? ctTimeoutsMs.otherFirst : state === 'multiple' ? ctTimeoutsMs.otherMultiple : ctTimeoutsMs.otherBidir;
  }

  /** NAT is applied only when the ct action asks for nat and the connection has it (as in OVS). */
  private natRewrite(conn: Conn, reply: boolean, req: CtRequest): Pick<CtResult, 'rewrite'> {
    if (!req.nat || !conn.nat) return {};
    const want = reply ? reverse(conn.orig) : reverse(conn.reply);
    return { rewrite: { src: want.src, sport: want.sport, dst: want.dst, dport: want.dport } };
  }

  private allocate(zone: number, t: Tuple, spec: NatSpec): Tuple | undefined {
    const isSrc = spec.kind === 'src';
    const origAddr = isSrc ? t.src : t.dst;
    const origPort = isSrc ? t.sport : t.dport;
    const aMin = spec.addrMin ?? origAddr;
    const aMax = spec.addrMax ?? aMin;
    const hasPorts = spec.portMin !== undefined && t.proto !== 1 && (t.proto === 6 || t.proto === 17 || t.proto === 132);
    const pMin = hasPorts ? spec.portMin! : origPort;
    const pMax = hasPorts ? spec.portMax ?? pMin : origPort;
    const ports = origPort >= pMin && origPort <= pMax ? [origPort] : [];
    let probes = 0;
    for (let a = BigInt(aMin); a <= BigInt(aMax); a++) {
      const addr = typeof aMin === 'bigint' ? a : Number(a);
      for (const p of [...ports, ...rangeIter(pMin, pMax)]) {
        if (++probes > maxNatProbesCount) return undefined;
        const translated: Tuple = isSrc ? { ...t, src: addr, sport: p } : { ...t, dst: addr, dport: p };
        const reply = reverse(translated);
        if (!this.byTuple.has(tupleKey(zone, reply))) return reply;
      }
    }
    return undefined;
  }
}

function* rangeIter(min: number, max: number): Generator<number> {
  assert(max >= min, `conntrack: port range ${min}-${max} is empty`);
  for (let p = min; p <= max; p++) yield p;
}

/** ct_state snat/dnat bits for a NAT rewrite: the forward direction mangles what the spec names, the reply
 * direction the other side (OVS sets CS_DST_NAT when un-SNATting a reply). */
export function natStateBits(conn: Conn, reply: boolean): number {
  if (!conn.nat) return 0;
  const src = conn.nat.kind === 'src';
  return (src !== reply) ? ctBits.snat : ctBits.dnat;
}
