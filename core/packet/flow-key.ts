// Flow-key extraction with OVS's field names (ovs-fields(7)), as a switch would before a table lookup.
//
// Representation, chosen so an OpenFlow matcher compares cheaply:
//   - fields of ≤ 32 bits are unsigned numbers (ip_src, arp_spa, ports, types, vlan_tci...);
//   - 48-bit MACs (eth_src, eth_dst, arp_sha, arp_tha, nd_sll, nd_tll) and 128-bit IPv6 addresses
//     (ipv6_src, ipv6_dst, nd_target) and tun_id (64 bits) are unsigned bigints, so a masked match is
//     `(value & mask) === want` for every field with no special cases.
// A field is present only when its prerequisites hold (ip_src only for IPv4, tcp_src only for TCP...).
// As OVS does, a frame whose L4 header is truncated still gets nw_proto and zero L4 fields, and a
// non-first fragment gets no L4 fields at all.
import { bytesToBigint } from './address';
import { decodeFrame, type DecodedFrame } from './decode';
import { ipProtocols } from './ip-protocols';
import { readOvnTunnelPorts } from './geneve';

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
  /** After VLAN tags; 0x05ff for 802.3 length frames (OVS's FLOW_DL_TYPE_NONE). */
  readonly eth_type: number;
  /** Outer tag's TCI with the CFI bit (0x1000) set as "tag present"; 0 when untagged. */
  readonly vlan_tci: number;
  /** OpenFlow 1.2+ view: 0x1000 | VID when tagged, 0 when untagged. */
  readonly vlan_vid: number;
  readonly dl_vlan?: number;
  readonly dl_vlan_pcp?: number;
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type FlowFieldName = keyof FlowKey;

/** OVS's alternative names for the same fields. */
export const flowFieldAliases: Readonly<Record<string, FlowFieldName>> = {
  nw_src: 'ip_src', nw_dst: 'ip_dst', ip_proto: 'nw_proto', nw_ecn: 'ip_ecn', nw_frag: 'ip_frag',
  dl_src: 'eth_src', dl_dst: 'eth_dst', dl_type: 'eth_type',
};

const ethTypeNone = 0x05ff;
const ethTypeMin = 0x0600;
const vlanCfi = 0x1000;
const fragAny = 1;
const fragLater = 2;

/** For each L4 protocol: the field names that are zero when the header is present but could not be decoded. */
const l4ZeroFields: ReadonlyMap<string, readonly FlowFieldName[]> = new Map<string, readonly FlowFieldName[]>([
  [`4:${ipProtocols.tcp}`, ['tcp_src', 'tcp_dst', 'tcp_flags']],
  [`6:${ipProtocols.tcp}`, ['tcp_src', 'tcp_dst', 'tcp_flags']],
  [`4:${ipProtocols.udp}`, ['udp_src', 'udp_dst']],
  [`6:${ipProtocols.udp}`, ['udp_src', 'udp_dst']],
  [`4:${ipProtocols.sctp}`, ['sctp_src', 'sctp_dst']],
  [`6:${ipProtocols.sctp}`, ['sctp_src', 'sctp_dst']],
  [`4:${ipProtocols.icmp}`, ['icmp_type', 'icmp_code']],
  [`6:${ipProtocols.icmpv6}`, ['icmpv6_type', 'icmpv6_code']],
]);

/** The flow key of a frame, or null when not even the Ethernet header is present (14 bytes). */
export function extractFlowKey(frame: Uint8Array, meta: FlowMetadata): FlowKey | null {
  const d = decodeFrame(frame);
  return d.ok ? flowKeyOf(d.value, meta) : null;
}

export function flowKeyOf(d: DecodedFrame, meta: FlowMetadata): FlowKey {
  const { eth } = d;
  const outer = eth.vlans[0];
  const k: Mutable<FlowKey> = {
    ...meta,
    eth_src: bytesToBigint(eth.src),
    eth_dst: bytesToBigint(eth.dst),
    eth_type: eth.ethType < ethTypeMin ? ethTypeNone : eth.ethType,
    vlan_tci: outer ? (outer.pcp << 13) | vlanCfi | outer.vid : 0,
    vlan_vid: outer ? vlanCfi | outer.vid : 0,
  };
  if (outer) {
    k.dl_vlan = outer.vid;
    k.dl_vlan_pcp = outer.pcp;
  }
  const l3 = d.l3;
  if (!l3) return k;
  if (l3.kind === 'arp') {
    k.arp_op = l3.op;
    k.nw_proto = l3.op & 0xff;
    k.arp_spa = l3.spa;
    k.arp_tpa = l3.tpa;
    k.arp_sha = bytesToBigint(l3.sha);
    k.arp_tha = bytesToBigint(l3.tha);
    return k;
  }
  let isLater: boolean;
  if (l3.kind === 'ipv4') {
    k.ip_src = l3.src;
    k.ip_dst = l3.dst;
    k.nw_tos = l3.tos & 0xfc;
    k.ip_dscp = l3.tos >>> 2;
    k.ip_ecn = l3.tos & 3;
    k.nw_ttl = l3.ttl;
    isLater = l3.fragmentOffset !== 0;
    k.ip_frag = isLater ? fragAny | fragLater : l3.moreFragments ? fragAny : 0;
  } else {
    k.ipv6_src = bytesToBigint(l3.src);
    k.ipv6_dst = bytesToBigint(l3.dst);
    k.ipv6_label = l3.flowLabel;
    k.nw_tos = l3.trafficClass & 0xfc;
    k.ip_dscp = l3.trafficClass >>> 2;
    k.ip_ecn = l3.trafficClass & 3;
    k.nw_ttl = l3.hopLimit;
    isLater = (l3.fragment?.offset ?? 0) !== 0;
    k.ip_frag = l3.fragment ? (isLater ? fragAny | fragLater : fragAny) : 0;
  }
  k.nw_proto = l3.protocol;
  if (isLater) return k;
  const l4 = d.l4;
  if (!l4) {
    for (const f of l4ZeroFields.get(`${l3.kind === 'ipv4' ? 4 : 6}:${l3.protocol}`) ?? []) (k as Record<string, unknown>)[f] = 0;
    return k;
  }
  switch (l4.kind) {
    case 'tcp':
      k.tcp_src = l4.srcPort;
      k.tcp_dst = l4.dstPort;
      k.tcp_flags = l4.flags;
      break;
    case 'udp':
      k.udp_src = l4.srcPort;
      k.udp_dst = l4.dstPort;
      break;
    case 'sctp':
      k.sctp_src = l4.srcPort;
      k.sctp_dst = l4.dstPort;
      break;
    case 'icmp4':
      k.icmp_type = l4.type;
      k.icmp_code = l4.code;
      break;
    case 'icmp6': {
      k.icmpv6_type = l4.type;
      k.icmpv6_code = l4.code;
      const m = l4.message;
      if (l4.code === 0 && (m.kind === 'ns' || m.kind === 'na')) {
        // OVS: nd_sll only for NS, nd_tll only for NA; zero when the option is absent.
        k.nd_target = bytesToBigint(m.target);
        const want = m.kind === 'ns' ? 'sll' : 'tll';
        const opt = m.options.find((o) => o.kind === want);
        const mac = opt && (opt.kind === 'sll' || opt.kind === 'tll') ? bytesToBigint(opt.mac) : 0n;
        if (m.kind === 'ns') k.nd_sll = mac;
        else k.nd_tll = mac;
      }
      break;
    }
  }
  return k;
}

/** Tunnel metadata a receiving switch would attach after decapsulating a Geneve frame (tun_id = VNI). */
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
