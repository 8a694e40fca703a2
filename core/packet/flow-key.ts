// Flow-key extraction with OVS's field names (ovs-fields(7)), as a switch does before a table lookup.
//
// Representation, chosen so an OpenFlow matcher compares cheaply:
//   - fields of ≤ 32 bits are unsigned numbers (ip_src, arp_spa, ports, types, vlan_tci...);
//   - 48-bit MACs (eth_src, eth_dst, arp_sha, arp_tha, nd_sll, nd_tll), 128-bit IPv6 addresses
//     (ipv6_src, ipv6_dst, nd_target) and the 64-bit tun_id are unsigned bigints, so a masked match is
//     `(value & mask) === want` for every field with no special cases.
// A field is set (not undefined) exactly when its OVS prerequisites hold (ip_src only when eth_type is IPv4, tcp_src only
// when nw_proto is also 6, nd_target only for NS/NA with code 0...). A present field whose header was cut
// short or malformed is 0, as in OVS, where every field of a flow has a value.
//
// This reads the frame bytes directly, following ovs-vswitchd's miniflow_extract rather than the strict
// codecs: a switch classifies whatever arrives. The agreement is checked field by field against
// `ovs-appctl ofproto/trace` in ovs-flow.test.ts.
import { bytesToBigint } from './address';
import { readU16 } from './bytes';
import type { DecodedFrame } from './decode';
import { readOvnTunnelPorts } from './geneve';
import { l3Extractors, type MutableFlowKey } from './flow-extract';

export interface FlowMetadata {
  readonly in_port: number;
  readonly tun_id?: bigint;
  readonly tun_src?: number;
  readonly tun_dst?: number;
  readonly tun_ipv6_src?: bigint;
  readonly tun_ipv6_dst?: bigint;
  /** OVN maps its Geneve option (class 0x0102 type 0x80) to tun_metadata0. */
  readonly tun_metadata0?: number;
}

export interface FlowKey extends FlowMetadata {
  readonly eth_src: bigint;
  readonly eth_dst: bigint;
  /** After the parsed VLAN tags (or from an LLC/SNAP header); 0x05ff for other 802.3 frames. */
  readonly eth_type: number;
  /** Outer tag's TCI with the CFI bit (0x1000) set as "tag present"; 0 when untagged. */
  readonly vlan_tci: number;
  /** OpenFlow 1.2+ view: 0x1000 | VID when tagged, 0 when untagged. */
  readonly vlan_vid: number;
  readonly dl_vlan?: number;
  readonly dl_vlan_pcp?: number;
  /** Second (inner) tag's TCI with CFI set; present (possibly 0) only when vlanLimit is 2. */
  readonly vlan_tci1?: number;
  readonly arp_op?: number;
  readonly arp_spa?: number;
  readonly arp_tpa?: number;
  readonly arp_sha?: bigint;
  readonly arp_tha?: bigint;
  readonly ip_src?: number;
  readonly ip_dst?: number;
  readonly ipv6_src?: bigint;
  readonly ipv6_dst?: bigint;
  readonly ipv6_label?: number;
  readonly nw_proto?: number;
  /** DSCP bits in place (ToS & 0xfc). */
  readonly nw_tos?: number;
  readonly ip_dscp?: number;
  readonly ip_ecn?: number;
  readonly nw_ttl?: number;
  /** Bit 0: any fragment; bit 1: fragment with nonzero offset (0, 1 or 3). */
  readonly ip_frag?: number;
  readonly tcp_src?: number;
  readonly tcp_dst?: number;
  /** Low 12 bits of the TCP offset/flags word (see tcpFlags). */
  readonly tcp_flags?: number;
  readonly udp_src?: number;
  readonly udp_dst?: number;
  readonly sctp_src?: number;
  readonly sctp_dst?: number;
  readonly icmp_type?: number;
  readonly icmp_code?: number;
  readonly icmpv6_type?: number;
  readonly icmpv6_code?: number;
  readonly nd_target?: bigint;
  readonly nd_sll?: bigint;
  readonly nd_tll?: bigint;
}

export type FlowFieldName = keyof FlowKey;

/** OVS's alternative names for the same fields (normalize before looking a field up). */
export const flowFieldAliases: Readonly<Record<string, FlowFieldName>> = {
  nw_src: 'ip_src', nw_dst: 'ip_dst', ip_proto: 'nw_proto', nw_ecn: 'ip_ecn', nw_frag: 'ip_frag',
  dl_src: 'eth_src', dl_dst: 'eth_dst', dl_type: 'eth_type',
};

export interface FlowKeyOptions {
  /** VLAN headers parsed (OVS other_config:vlan-limit; OVS supports at most 2). Default 1, as in OVS. */
  readonly vlanLimit?: 1 | 2;
}

const ethHeaderBytes = 14;
const ethTypeMin = 0x0600;
const ethTypeNone = 0x05ff;
const vlanCfi = 0x1000;
const vlanTpids: ReadonlySet<number> = new Set([0x8100, 0x88a8]);
/** LLC/SNAP header with the Ethernet OUI: DSAP AA, SSAP AA, control 03, OUI 00-00-00, then a type. */
const llcSnapPrefix = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00] as const;
const llcSnapBytes = 8;

/** Every field in one fixed order, absent ones undefined: one hidden class for all keys keeps field stores
 * fast (adding properties one by one made extraction ~50x slower in V8). */
function emptyKey(meta: FlowMetadata): MutableFlowKey {
  return {
    in_port: meta.in_port, tun_id: meta.tun_id, tun_src: meta.tun_src, tun_dst: meta.tun_dst,
    tun_ipv6_src: meta.tun_ipv6_src, tun_ipv6_dst: meta.tun_ipv6_dst, tun_metadata0: meta.tun_metadata0,
    eth_src: 0n, eth_dst: 0n, eth_type: 0, vlan_tci: 0, vlan_vid: 0,
    dl_vlan: undefined, dl_vlan_pcp: undefined, vlan_tci1: undefined,
    arp_op: undefined, arp_spa: undefined, arp_tpa: undefined, arp_sha: undefined, arp_tha: undefined,
    ip_src: undefined, ip_dst: undefined, ipv6_src: undefined, ipv6_dst: undefined, ipv6_label: undefined,
    nw_proto: undefined, nw_tos: undefined, ip_dscp: undefined, ip_ecn: undefined, nw_ttl: undefined, ip_frag: undefined,
    tcp_src: undefined, tcp_dst: undefined, tcp_flags: undefined, udp_src: undefined, udp_dst: undefined,
    sctp_src: undefined, sctp_dst: undefined, icmp_type: undefined, icmp_code: undefined,
    icmpv6_type: undefined, icmpv6_code: undefined, nd_target: undefined, nd_sll: undefined, nd_tll: undefined,
  };
}

/** The flow key of a frame, or null when it is shorter than an Ethernet header (OVS extracts nothing). */
export function extractFlowKey(frame: Uint8Array, meta: FlowMetadata, options: FlowKeyOptions = {}): FlowKey | null {
  if (frame.length < ethHeaderBytes) return null;
  const vlanLimit = options.vlanLimit ?? 1;
  let at = 12;
  const tcis: number[] = [];
  // A tag is parsed only with room for it and the EtherType after it (6 bytes).
  while (tcis.length < vlanLimit && vlanTpids.has(readU16(frame, at)) && frame.length - at >= 6) {
    tcis.push(readU16(frame, at + 2) | vlanCfi);
    at += 4;
  }
  let ethType = readU16(frame, at);
  at += 2;
  if (ethType < ethTypeMin) {
    const snap = frame.length - at >= llcSnapBytes && llcSnapPrefix.every((b, i) => frame[at + i] === b);
    const snapType = snap ? readU16(frame, at + 6) : 0;
    ethType = snapType >= ethTypeMin ? snapType : ethTypeNone;
    if (snap) at += llcSnapBytes;
  }
  const outer = tcis[0];
  const k = emptyKey(meta);
  k.eth_dst = bytesToBigint(frame.subarray(0, 6));
  k.eth_src = bytesToBigint(frame.subarray(6, 12));
  k.eth_type = ethType;
  k.vlan_tci = outer ?? 0;
  k.vlan_vid = outer === undefined ? 0 : outer & 0x1fff;
  if (outer !== undefined) {
    k.dl_vlan = outer & 0xfff;
    k.dl_vlan_pcp = outer >>> 13;
  }
  if (vlanLimit === 2) k.vlan_tci1 = tcis[1] ?? 0;
  l3Extractors.get(ethType)?.(frame.subarray(at), k);
  return k;
}

/** Tunnel metadata a receiving switch attaches after decapsulating a Geneve frame (tun_id = VNI). */
export function geneveTunnelMetadata(outer: DecodedFrame): Omit<FlowMetadata, 'in_port'> | undefined {
  const { l3, app } = outer;
  if (!app || app.kind !== 'geneve' || !l3 || l3.kind === 'arp') return undefined;
  const ports = readOvnTunnelPorts(app);
  const tunnel = l3.kind === 'ipv4'
    ? { tun_src: l3.src, tun_dst: l3.dst }
    : { tun_ipv6_src: bytesToBigint(l3.src), tun_ipv6_dst: bytesToBigint(l3.dst) };
  return {
    tun_id: BigInt(app.vni),
    ...tunnel,
    ...(ports ? { tun_metadata0: (ports.ingressPort << 16) | ports.egressPort } : {}),
  };
}
