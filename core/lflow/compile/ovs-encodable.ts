// What of a match reaches ovs-vswitchd. ovn-controller hands OVS's match encoder (nx_put_match) a match
// built field by field; the encoder writes a protocol field only when the match's Ethernet type (and IP
// protocol, ICMPv6 type) make that field exist, and silently leaves it out otherwise. IPv4 addresses under
// an ARP Ethernet type are OVS's arp_spa/arp_tpa (the same flow slots), and the reverse.
// So `!ip4.mcast`, whose normal form has ip4.dst bits without eth.type == 0x800, installs flows without
// the ip_dst constraint, and ip_dst bits next to eth.type == 0x806 install as arp_tpa.
import type { FieldMatch } from './to-matches';

const ethIp = 0x0800n;
const ethIp6 = 0x86ddn;
const ethArp = 0x0806n;
const ethRarp = 0x8035n;

interface Protocol {
  eth: bigint;
  proto: bigint;
  icmpType: bigint;
}

const isIp = (p: Protocol) => p.eth === ethIp || p.eth === ethIp6;
const isArp = (p: Protocol) => p.eth === ethArp || p.eth === ethRarp;

/** Whether the encoder writes the field for a match of protocol `p` (fields not listed always are). */
const present: Readonly<Record<string, (p: Protocol) => boolean>> = {
  ip_src: (p) => p.eth === ethIp,
  ip_dst: (p) => p.eth === ethIp,
  ipv6_src: (p) => p.eth === ethIp6,
  ipv6_dst: (p) => p.eth === ethIp6,
  ipv6_label: (p) => p.eth === ethIp6,
  nw_proto: isIp,
  ip_dscp: isIp,
  nw_ecn: isIp,
  nw_ttl: isIp,
  ip_frag: isIp,
  arp_op: isArp,
  arp_spa: isArp,
  arp_tpa: isArp,
  arp_sha: isArp,
  arp_tha: isArp,
  tcp_src: (p) => isIp(p) && p.proto === 6n,
  tcp_dst: (p) => isIp(p) && p.proto === 6n,
  tcp_flags: (p) => isIp(p) && p.proto === 6n,
  udp_src: (p) => isIp(p) && p.proto === 17n,
  udp_dst: (p) => isIp(p) && p.proto === 17n,
  sctp_src: (p) => isIp(p) && p.proto === 132n,
  sctp_dst: (p) => isIp(p) && p.proto === 132n,
  icmp_type: (p) => p.eth === ethIp && p.proto === 1n,
  icmp_code: (p) => p.eth === ethIp && p.proto === 1n,
  icmpv6_type: (p) => p.eth === ethIp6 && p.proto === 58n,
  icmpv6_code: (p) => p.eth === ethIp6 && p.proto === 58n,
  nd_target: (p) => p.eth === ethIp6 && p.proto === 58n && (p.icmpType === 135n || p.icmpType === 136n),
  nd_sll: (p) => p.eth === ethIp6 && p.proto === 58n && p.icmpType === 135n,
  nd_tll: (p) => p.eth === ethIp6 && p.proto === 58n && p.icmpType === 136n,
};

/** IPv4 address fields and their ARP twins (one flow slot each in OVS). */
const toArp: Readonly<Record<string, string>> = { ip_src: 'arp_spa', ip_dst: 'arp_tpa' };
const toIp: Readonly<Record<string, string>> = { arp_spa: 'ip_src', arp_tpa: 'ip_dst' };

/** The part of `fields` the OpenFlow encoder writes, under the field names OVS reports them by. */
export function encodableFields(fields: FieldMatch): FieldMatch {
  // The encoder reads the flow's values: a wildcarded field reads as 0.
  const p: Protocol = {
    eth: fields.get('eth_type')?.v ?? 0n,
    proto: fields.get('nw_proto')?.v ?? 0n,
    icmpType: fields.get('icmpv6_type')?.v ?? 0n,
  };
  const out = new Map<string, { v: bigint; m: bigint }>();
  for (const [name, vm] of fields) {
    const alias = isArp(p) ? toArp[name] : p.eth === ethIp ? toIp[name] : undefined;
    const as = alias ?? name;
    const test = present[as];
    if (test && !test(p)) continue;
    out.set(as, vm);
  }
  return out;
}
