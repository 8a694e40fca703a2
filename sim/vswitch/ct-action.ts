// The ct action: runs the packet through conntrack and returns the state the packet has after it (ct_state,
// zone, mark, label, original tuple, NAT applied), which ct(table=N) recirculates.
//
// NAT of an ICMP error about a NATed connection follows OVS's userspace conntrack (lib/conntrack.c
// reverse_nat_packet): in the reply direction the quoted packet is un-NATed too (its address and port, with
// the quoted IP and UDP checksums updated incrementally) and the ICMP checksum is recomputed in full.
import { internetChecksum } from '../../core/packet';
import type { Action, NatAction } from '../../core/openflow';
import { Conntrack, natStateBits, tupleOf, type Conn, type NatSpec, type Tuple } from './conntrack';
import { bytesToBig, fieldParts, getField, S, setWhole, slot, W, type FieldPart, type Slots } from './fields';
import { patch16 } from './writeback';

export interface CtOutcome {
  readonly after: Slots;
  /** Slots NAT changed: the current pipeline sees those changes too (the datapath rewrote the packet). */
  readonly natSlots: readonly number[];
  /** The frame with the quoted packet of a related ICMP error rewritten, when NAT did so. */
  readonly frame?: Uint8Array;
  readonly dpAction: string;
}

const sTcpFlags = slot('tcp_flags');

export function ctAction(ct: Conntrack, s: Slots, frame: Uint8Array, a: Extract<Action, { type: 'ct' }>): CtOutcome {
  const zone = a.zoneSrc
    ? Number(((getField(s, fieldParts(a.zoneSrc.field)) ?? 0n) >> BigInt(a.zoneSrc.ofs)) & ((1n << BigInt(a.zoneSrc.nBits)) - 1n))
    : a.zoneImm;
  const nat = a.actions.find((x): x is NatAction => x.type === 'nat');
  const commit = (a.flags & 1) !== 0;
  const tuple = tupleOf(s, icmpIdOf(frame, s));
  const res = ct.process(tuple, {
    zone, commit, force: (a.flags & 2) !== 0, ...(nat ? { nat: natSpecOf(nat) } : {}), ...icmpInnerOf(frame, s),
    ...(s[sTcpFlags] !== undefined ? { tcpFlags: s[sTcpFlags] } : {}),
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
  const natSlots: number[] = [];
  let newFrame: Uint8Array | undefined;
  if (res.rewrite) {
    const rw = res.rewrite;
    const v6 = s[W.ipv6_src[0]!.slot] !== undefined;
    const setL3 = (i4: number, w6: readonly FieldPart[], v: number | bigint | undefined) => {
      if (v === undefined) return;
      if (v6) { setWhole(after, w6, BigInt(v)); natSlots.push(...w6.map((p) => p.slot)); } else { after[i4] = Number(v); natSlots.push(i4); }
    };
    setL3(S.ip_src, W.ipv6_src, rw.src);
    setL3(S.ip_dst, W.ipv6_dst, rw.dst);
    const proto = s[S.nw_proto];
    const ports = proto === 6 ? [S.tcp_src, S.tcp_dst] : proto === 17 ? [S.udp_src, S.udp_dst] : proto === 132 ? [S.sctp_src, S.sctp_dst] : undefined;
    if (ports && !res.related) {
      if (rw.sport !== undefined) { after[ports[0]!] = rw.sport; natSlots.push(ports[0]!); }
      if (rw.dport !== undefined) { after[ports[1]!] = rw.dport; natSlots.push(ports[1]!); }
    }
    if (res.related && res.reply && c && !v6) newFrame = natRelatedInner(frame, s, c);
  }
  return { after, natSlots, ...(newFrame ? { frame: newFrame } : {}), dpAction: `ct(${commit ? 'commit,' : ''}zone=${zone}${nat ? ',nat' : ''})` };
}

/** Un-NATs the packet quoted by an ICMPv4 error travelling in the reply direction of a NATed connection. */
function natRelatedInner(frame: Uint8Array, s: Slots, conn: Conn): Uint8Array | undefined {
  const l3 = 14 + (s[S.vlan_tci] ? 4 : 0);
  const l4 = l3 + (frame[l3]! & 0x0f) * 4;
  const end = Math.min(frame.length, l3 + ((frame[l3 + 2]! << 8) | frame[l3 + 3]!));
  const inner = l4 + 8;
  if (inner + 20 > end) return undefined;
  const b = frame.slice();
  const innerL4 = inner + (b[inner]! & 0x0f) * 4;
  const proto = b[inner + 9]!;
  const innerIpCsum = inner + 10;
  // The quoted UDP checksum follows address and port changes when it is there (nonzero); a quoted TCP header
  // is too short (8 bytes) to hold its checksum, so OVS leaves it alone, as we do.
  const udpCsum = proto === 17 && innerL4 + 8 <= end ? innerL4 + 6 : -1;
  const src = conn.nat!.kind === 'src';
  const addrAt = src ? inner + 12 : inner + 16;
  const addr = (src ? conn.orig.src : conn.orig.dst) as number;
  patch16(b, addrAt, addr >>> 16, [innerIpCsum, udpCsum], udpCsum);
  patch16(b, addrAt + 2, addr & 0xffff, [innerIpCsum, udpCsum], udpCsum);
  if ((proto === 6 || proto === 17) && innerL4 + 4 <= end) {
    patch16(b, src ? innerL4 : innerL4 + 2, src ? conn.orig.sport : conn.orig.dport, [udpCsum], udpCsum);
  }
  b[l4 + 2] = 0;
  b[l4 + 3] = 0;
  const sum = internetChecksum(b.subarray(l4, end));
  b[l4 + 2] = sum >>> 8;
  b[l4 + 3] = sum & 0xff;
  return b;
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

/** For an ICMPv4 error, the tuple of the packet it quotes, as that packet travelled. */
function icmpInnerOf(frame: Uint8Array, s: Slots): { icmpInner?: Tuple } {
  if (s[S.nw_proto] !== 1 || s[S.eth_type] !== 0x0800) return {};
  const l3 = 14 + (s[S.vlan_tci] ? 4 : 0);
  const l4 = l3 + (frame[l3]! & 0x0f) * 4;
  const inner = l4 + 8;
  if (inner + 20 > frame.length) return {};
  const ihl = (frame[inner]! & 0x0f) * 4;
  const proto = frame[inner + 9]!;
  const rd32 = (at: number) => ((frame[at]! << 24) | (frame[at + 1]! << 16) | (frame[at + 2]! << 8) | frame[at + 3]!) >>> 0;
  const rd16 = (at: number) => (at + 2 <= frame.length ? (frame[at]! << 8) | frame[at + 1]! : 0);
  const p = inner + ihl;
  const ports = proto === 6 || proto === 17 || proto === 132 ? [rd16(p), rd16(p + 2)] : proto === 1 ? [rd16(p + 4), rd16(p + 4)] : [0, 0];
  return { icmpInner: {
    src: rd32(inner + 12), dst: rd32(inner + 16), proto, sport: ports[0]!, dport: ports[1]!, v6: false,
    ...(proto === 1 ? { icmpType: frame[p] ?? 0 } : {}),
  } };
}
