// Flow keys as text in the style of ovs-vswitchd's "Flow:" lines (ofproto/trace), e.g.
//   icmp,in_port=1,vlan_tci=0x0000,dl_src=..,dl_dst=..,nw_src=10.0.0.1,...,icmp_type=8,icmp_code=0
// so traces from the simulator read like upstream's. Field order and spelling follow OVS; the generic
// tp_src/tp_dst OVS prints for protocols without named fields (IGMP...) are not part of our flow key.
import { bigintToBytes, formatIpv4, formatIpv6, formatMac } from './address';
import type { FlowKey } from './flow-key';

const ipv4Prefixes: Readonly<Record<number, string>> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' };
const ipv6Prefixes: Readonly<Record<number, string>> = { 58: 'icmp6', 6: 'tcp6', 17: 'udp6', 132: 'sctp6' };
const tcpFlagNames = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'] as const;
const fragNames: Readonly<Record<number, string>> = { 0: 'no', 1: 'first', 3: 'later' };

const mac = (v: bigint | undefined): string => formatMac(bigintToBytes(v ?? 0n, 6));
const ip6 = (v: bigint | undefined): string => formatIpv6(bigintToBytes(v ?? 0n, 16));
const hex = (v: number, digits: number): string => `0x${v.toString(16).padStart(digits, '0')}`;

function tcpFlagsText(flags: number): string {
  if (flags === 0) return '0';
  const names: string[] = [];
  for (let bit = 0; bit < 12; bit++) {
    if (flags & (1 << bit)) names.push(tcpFlagNames[bit] ?? `[${(1 << bit).toString(16)}]`);
  }
  return names.join('|');
}

function prefixOf(k: FlowKey): string | undefined {
  switch (k.eth_type) {
    case 0x0800: return ipv4Prefixes[k.nw_proto ?? 0] ?? 'ip';
    case 0x86dd: return ipv6Prefixes[k.nw_proto ?? 0] ?? 'ipv6';
    case 0x0806: return 'arp';
    case 0x8035: return 'rarp';
    default: return undefined;
  }
}

export function formatFlowKey(k: FlowKey): string {
  const prefix = prefixOf(k);
  const out: string[] = prefix ? [prefix] : [];
  out.push(`in_port=${k.in_port}`);
  if (k.dl_vlan !== undefined) {
    out.push(`dl_vlan=${k.dl_vlan}`, `dl_vlan_pcp=${k.dl_vlan_pcp ?? 0}`);
    const inner = k.vlan_tci1 ?? 0;
    out.push(inner ? `dl_vlan1=${inner & 0xfff},dl_vlan_pcp1=${inner >>> 13}` : 'vlan_tci1=0x0000');
  } else {
    out.push(`vlan_tci=${hex(k.vlan_tci, 4)}`);
  }
  out.push(`dl_src=${mac(k.eth_src)}`, `dl_dst=${mac(k.eth_dst)}`);
  if (!prefix) {
    out.push(`dl_type=${hex(k.eth_type, 4)}`);
    return out.join(',');
  }
  if (prefix === 'arp' || prefix === 'rarp') {
    out.push(`arp_spa=${formatIpv4(k.arp_spa ?? 0)}`, `arp_tpa=${formatIpv4(k.arp_tpa ?? 0)}`, `arp_op=${k.arp_op ?? 0}`,
      `arp_sha=${mac(k.arp_sha)}`, `arp_tha=${mac(k.arp_tha)}`);
    return out.join(',');
  }
  if (k.eth_type === 0x0800) out.push(`nw_src=${formatIpv4(k.ip_src ?? 0)}`, `nw_dst=${formatIpv4(k.ip_dst ?? 0)}`);
  else out.push(`ipv6_src=${ip6(k.ipv6_src)}`, `ipv6_dst=${ip6(k.ipv6_dst)}`, `ipv6_label=${hex(k.ipv6_label ?? 0, 5)}`);
  if (prefix === 'ip' || prefix === 'ipv6') out.push(`nw_proto=${k.nw_proto ?? 0}`);
  out.push(`nw_tos=${k.nw_tos ?? 0}`, `nw_ecn=${k.ip_ecn ?? 0}`, `nw_ttl=${k.nw_ttl ?? 0}`, `nw_frag=${fragNames[k.ip_frag ?? 0] ?? k.ip_frag}`);
  if (k.ip_frag === 3) return out.join(',');
  if (k.tcp_src !== undefined) out.push(`tp_src=${k.tcp_src}`, `tp_dst=${k.tcp_dst ?? 0}`, `tcp_flags=${tcpFlagsText(k.tcp_flags ?? 0)}`);
  if (k.udp_src !== undefined) out.push(`tp_src=${k.udp_src}`, `tp_dst=${k.udp_dst ?? 0}`);
  if (k.sctp_src !== undefined) out.push(`tp_src=${k.sctp_src}`, `tp_dst=${k.sctp_dst ?? 0}`);
  if (k.icmp_type !== undefined) out.push(`icmp_type=${k.icmp_type}`, `icmp_code=${k.icmp_code ?? 0}`);
  if (k.icmpv6_type !== undefined) out.push(`icmp_type=${k.icmpv6_type}`, `icmp_code=${k.icmpv6_code ?? 0}`);
  if (k.nd_target !== undefined) out.push(`nd_target=${ip6(k.nd_target)}`, `nd_sll=${mac(k.nd_sll)}`, `nd_tll=${mac(k.nd_tll)}`);
  return out.join(',');
}
