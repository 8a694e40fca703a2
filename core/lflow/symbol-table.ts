// The logical fields and predicates of OVN 23.03, as upstream declares them in lib/logical-fields.c
// (ovn_init_symtab). One row per symbol, in upstream's order (a subfield's parent and a predicate's
// operands come before it). symtab.ts interprets these rows; nothing else defines a logical field.
//
//   field     a whole OpenFlow field (of-fields.ts id); `crossproduct` is upstream's must_crossproduct
//   subfield  bits of an earlier symbol, written as upstream writes it ("ct_state[5]", "xxreg0[96..127]")
//   string    a field holding a logical port, compared with port names ("vm1"); stored as the port key
//   predicate a name for a Boolean expression over earlier symbols (width 1)
//   ovn-field a field only OVN actions write (no OpenFlow field): icmp4/6.frag_mtu
// `prereqs` must hold wherever the symbol is used; `scope: 'ct_commit'` means writable only inside
// ct_commit { ... }.
//
// Logical registers: OVS's xxreg0 is reg0 (most significant) .. reg3, so logical reg0 = xxreg0[96..127]
// lives in OVS reg0, and every logical regN / xregN lands on the OVS register of the same number.

export type SymbolSpec =
  | { kind: 'field'; name: string; of: string; prereqs?: string; crossproduct?: true; scope?: 'ct_commit' }
  | { kind: 'subfield'; name: string; of: string; prereqs?: string; scope?: 'ct_commit' }
  | { kind: 'string'; name: string; of: string; prereqs?: string }
  | { kind: 'predicate'; name: string; expansion: string }
  | { kind: 'ovn-field'; name: string; bits: number };

const ctCommit = 'ct_commit' as const;

export const ovnSymbols: ReadonlyArray<SymbolSpec> = [
  { kind: 'string', name: 'inport', of: 'MFF_REG14' },
  { kind: 'string', name: 'outport', of: 'MFF_REG15' },

  // Logical registers: 128-bit xxregs, 64-bit xregs, 32-bit regs, the smaller as subfields of the larger.
  { kind: 'field', name: 'xxreg0', of: 'MFF_XXREG0' },
  { kind: 'field', name: 'xxreg1', of: 'MFF_XXREG1' },
  { kind: 'subfield', name: 'xreg0', of: 'xxreg0[64..127]' },
  { kind: 'subfield', name: 'xreg1', of: 'xxreg0[0..63]' },
  { kind: 'subfield', name: 'xreg2', of: 'xxreg1[64..127]' },
  { kind: 'subfield', name: 'xreg3', of: 'xxreg1[0..63]' },
  { kind: 'field', name: 'xreg4', of: 'MFF_XREG4' },
  { kind: 'subfield', name: 'reg0', of: 'xxreg0[96..127]' },
  { kind: 'subfield', name: 'reg1', of: 'xxreg0[64..95]' },
  { kind: 'subfield', name: 'reg2', of: 'xxreg0[32..63]' },
  { kind: 'subfield', name: 'reg3', of: 'xxreg0[0..31]' },
  { kind: 'subfield', name: 'reg4', of: 'xxreg1[96..127]' },
  { kind: 'subfield', name: 'reg5', of: 'xxreg1[64..95]' },
  { kind: 'subfield', name: 'reg6', of: 'xxreg1[32..63]' },
  { kind: 'subfield', name: 'reg7', of: 'xxreg1[0..31]' },
  { kind: 'subfield', name: 'reg8', of: 'xreg4[32..63]' },
  { kind: 'subfield', name: 'reg9', of: 'xreg4[0..31]' },

  // Flags carried between logical tables (MLF_* bits of MFF_LOG_FLAGS).
  { kind: 'field', name: 'flags', of: 'MFF_REG10' },
  { kind: 'subfield', name: 'flags.loopback', of: 'flags[0]' },
  { kind: 'subfield', name: 'flags.force_snat_for_dnat', of: 'flags[2]' },
  { kind: 'subfield', name: 'flags.force_snat_for_lb', of: 'flags[3]' },
  { kind: 'subfield', name: 'flags.skip_snat_for_lb', of: 'flags[9]' },
  { kind: 'subfield', name: 'flags.use_snat_zone', of: 'flags[11]' },

  // Connection tracking.
  { kind: 'field', name: 'ct_mark', of: 'MFF_CT_MARK', scope: ctCommit },
  { kind: 'subfield', name: 'ct_mark.blocked', of: 'ct_mark[0]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_mark.natted', of: 'ct_mark[1]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_mark.ecmp_reply_port', of: 'ct_mark[16..31]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_mark.skip_snat', of: 'ct_mark[2]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_mark.force_snat', of: 'ct_mark[3]', scope: ctCommit },
  { kind: 'field', name: 'ct_label', of: 'MFF_CT_LABEL', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.blocked', of: 'ct_label[0]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.natted', of: 'ct_label[1]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.ecmp_reply_eth', of: 'ct_label[32..79]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.ecmp_reply_port', of: 'ct_label[80..95]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.label', of: 'ct_label[96..127]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.skip_snat', of: 'ct_label[2]', scope: ctCommit },
  { kind: 'subfield', name: 'ct_label.force_snat', of: 'ct_label[3]', scope: ctCommit },
  { kind: 'field', name: 'ct_state', of: 'MFF_CT_STATE' },
  // CS_* bits of OVS ct_state; every bit but trk itself needs ct.trk.
  { kind: 'subfield', name: 'ct.new', of: 'ct_state[0]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.est', of: 'ct_state[1]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.rel', of: 'ct_state[2]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.rpl', of: 'ct_state[3]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.inv', of: 'ct_state[4]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.trk', of: 'ct_state[5]' },
  { kind: 'subfield', name: 'ct.snat', of: 'ct_state[6]', prereqs: 'ct.trk' },
  { kind: 'subfield', name: 'ct.dnat', of: 'ct_state[7]', prereqs: 'ct.trk' },

  // Ethernet and VLAN.
  { kind: 'field', name: 'eth.src', of: 'MFF_ETH_SRC' },
  { kind: 'field', name: 'eth.dst', of: 'MFF_ETH_DST' },
  { kind: 'field', name: 'eth.type', of: 'MFF_ETH_TYPE', crossproduct: true },
  { kind: 'predicate', name: 'eth.bcast', expansion: 'eth.dst == ff:ff:ff:ff:ff:ff' },
  { kind: 'subfield', name: 'eth.mcast', of: 'eth.dst[40]' },
  { kind: 'predicate', name: 'eth.mcastv6', expansion: 'eth.dst[32..47] == 0x3333' },
  { kind: 'field', name: 'vlan.tci', of: 'MFF_VLAN_TCI' },
  { kind: 'predicate', name: 'vlan.present', expansion: 'vlan.tci[12]' },
  { kind: 'subfield', name: 'vlan.pcp', of: 'vlan.tci[13..15]', prereqs: 'vlan.present' },
  { kind: 'subfield', name: 'vlan.vid', of: 'vlan.tci[0..11]', prereqs: 'vlan.present' },

  // IP, both versions.
  { kind: 'predicate', name: 'ip4', expansion: 'eth.type == 0x800' },
  { kind: 'predicate', name: 'ip6', expansion: 'eth.type == 0x86dd' },
  { kind: 'predicate', name: 'ip', expansion: 'ip4 || ip6' },
  { kind: 'field', name: 'ip.proto', of: 'MFF_IP_PROTO', prereqs: 'ip', crossproduct: true },
  { kind: 'field', name: 'ip.dscp', of: 'MFF_IP_DSCP_SHIFTED', prereqs: 'ip' },
  { kind: 'field', name: 'ip.ecn', of: 'MFF_IP_ECN', prereqs: 'ip' },
  { kind: 'field', name: 'ip.ttl', of: 'MFF_IP_TTL', prereqs: 'ip' },

  // IPv4.
  { kind: 'field', name: 'ip4.src', of: 'MFF_IPV4_SRC', prereqs: 'ip4' },
  { kind: 'field', name: 'ip4.dst', of: 'MFF_IPV4_DST', prereqs: 'ip4' },
  { kind: 'predicate', name: 'ip4.src_mcast', expansion: 'ip4.src[28..31] == 0xe' },
  { kind: 'predicate', name: 'ip4.mcast', expansion: 'eth.mcast && ip4.dst[28..31] == 0xe' },
  { kind: 'predicate', name: 'icmp4', expansion: 'ip4 && ip.proto == 1' },
  { kind: 'field', name: 'icmp4.type', of: 'MFF_ICMPV4_TYPE', prereqs: 'icmp4' },
  { kind: 'field', name: 'icmp4.code', of: 'MFF_ICMPV4_CODE', prereqs: 'icmp4' },
  { kind: 'predicate', name: 'igmp', expansion: 'ip4 && ip.proto == 2' },

  // IPv6.
  { kind: 'field', name: 'ip6.src', of: 'MFF_IPV6_SRC', prereqs: 'ip6' },
  { kind: 'field', name: 'ip6.dst', of: 'MFF_IPV6_DST', prereqs: 'ip6' },
  { kind: 'field', name: 'ip6.label', of: 'MFF_IPV6_LABEL', prereqs: 'ip6' },
  // Predefined IPv6 multicast groups (RFC 4291, 2.7.1).
  { kind: 'predicate', name: 'ip6.mcast_rsvd', expansion: 'ip6.dst[116..127] == 0xff0 && ip6.dst[0..111] == 0x0' },
  { kind: 'predicate', name: 'ip6.mcast_all_nodes', expansion: 'ip6.dst == ff01::1 || ip6.dst == ff02::1' },
  { kind: 'predicate', name: 'ip6.mcast_all_rtrs', expansion: 'ip6.dst == ff01::2 || ip6.dst == ff02::2 || ip6.dst == ff05::2' },
  { kind: 'predicate', name: 'ip6.mcast_sol_node', expansion: 'ip6.dst == ff02::1:ff00:0000/104' },
  {
    kind: 'predicate',
    name: 'ip6.mcast_flood',
    expansion: 'eth.mcastv6 && (ip6.mcast_rsvd || ip6.mcast_all_nodes || ip6.mcast_all_rtrs || ip6.mcast_sol_node)',
  },
  { kind: 'predicate', name: 'ip6.mcast', expansion: 'eth.mcastv6 && ip6.dst[120..127] == 0xff' },
  { kind: 'predicate', name: 'icmp6', expansion: 'ip6 && ip.proto == 58' },
  { kind: 'field', name: 'icmp6.type', of: 'MFF_ICMPV6_TYPE', prereqs: 'icmp6', crossproduct: true },
  { kind: 'field', name: 'icmp6.code', of: 'MFF_ICMPV6_CODE', prereqs: 'icmp6', crossproduct: true },
  { kind: 'predicate', name: 'icmp', expansion: 'icmp4 || icmp6' },

  // Fragments.
  { kind: 'field', name: 'ip.frag', of: 'MFF_IP_FRAG', prereqs: 'ip' },
  { kind: 'predicate', name: 'ip.is_frag', expansion: 'ip.frag[0]' },
  { kind: 'predicate', name: 'ip.later_frag', expansion: 'ip.frag[1]' },
  { kind: 'predicate', name: 'ip.first_frag', expansion: 'ip.is_frag && !ip.later_frag' },

  // ARP, and RARP with the same layout and OpenFlow fields.
  { kind: 'predicate', name: 'arp', expansion: 'eth.type == 0x806' },
  { kind: 'field', name: 'arp.op', of: 'MFF_ARP_OP', prereqs: 'arp' },
  { kind: 'field', name: 'arp.spa', of: 'MFF_ARP_SPA', prereqs: 'arp' },
  { kind: 'field', name: 'arp.sha', of: 'MFF_ARP_SHA', prereqs: 'arp' },
  { kind: 'field', name: 'arp.tpa', of: 'MFF_ARP_TPA', prereqs: 'arp' },
  { kind: 'field', name: 'arp.tha', of: 'MFF_ARP_THA', prereqs: 'arp' },
  { kind: 'predicate', name: 'rarp', expansion: 'eth.type == 0x8035' },
  { kind: 'field', name: 'rarp.op', of: 'MFF_ARP_OP', prereqs: 'rarp' },
  { kind: 'field', name: 'rarp.spa', of: 'MFF_ARP_SPA', prereqs: 'rarp' },
  { kind: 'field', name: 'rarp.sha', of: 'MFF_ARP_SHA', prereqs: 'rarp' },
  { kind: 'field', name: 'rarp.tpa', of: 'MFF_ARP_TPA', prereqs: 'rarp' },
  { kind: 'field', name: 'rarp.tha', of: 'MFF_ARP_THA', prereqs: 'rarp' },

  // IPv6 neighbor discovery.
  { kind: 'predicate', name: 'nd', expansion: 'icmp6.type == {135, 136} && icmp6.code == 0 && ip.ttl == 255' },
  { kind: 'predicate', name: 'nd_ns', expansion: 'icmp6.type == 135 && icmp6.code == 0 && ip.ttl == 255' },
  { kind: 'predicate', name: 'nd_na', expansion: 'icmp6.type == 136 && icmp6.code == 0 && ip.ttl == 255' },
  { kind: 'predicate', name: 'nd_rs', expansion: 'icmp6.type == 133 && icmp6.code == 0 && ip.ttl == 255' },
  { kind: 'predicate', name: 'nd_ra', expansion: 'icmp6.type == 134 && icmp6.code == 0 && ip.ttl == 255' },
  { kind: 'field', name: 'nd.target', of: 'MFF_ND_TARGET', prereqs: 'nd' },
  { kind: 'field', name: 'nd.sll', of: 'MFF_ND_SLL', prereqs: 'nd_ns' },
  { kind: 'field', name: 'nd.tll', of: 'MFF_ND_TLL', prereqs: 'nd_na' },

  // Multicast listener discovery: MLDv1 uses link-local sources; MLDv2 reports go to ff02::16.
  { kind: 'predicate', name: 'mldv1', expansion: 'ip6.src == fe80::/10 && icmp6.type == {130, 131, 132}' },
  { kind: 'predicate', name: 'mldv2', expansion: 'ip6.dst == ff02::16 && icmp6.type == 143' },

  // Transport protocols.
  { kind: 'predicate', name: 'tcp', expansion: 'ip.proto == 6' },
  { kind: 'field', name: 'tcp.src', of: 'MFF_TCP_SRC', prereqs: 'tcp' },
  { kind: 'field', name: 'tcp.dst', of: 'MFF_TCP_DST', prereqs: 'tcp' },
  { kind: 'field', name: 'tcp.flags', of: 'MFF_TCP_FLAGS', prereqs: 'tcp' },
  { kind: 'predicate', name: 'udp', expansion: 'ip.proto == 17' },
  { kind: 'field', name: 'udp.src', of: 'MFF_UDP_SRC', prereqs: 'udp' },
  { kind: 'field', name: 'udp.dst', of: 'MFF_UDP_DST', prereqs: 'udp' },
  { kind: 'predicate', name: 'sctp', expansion: 'ip.proto == 132' },
  { kind: 'field', name: 'sctp.src', of: 'MFF_SCTP_SRC', prereqs: 'sctp' },
  { kind: 'field', name: 'sctp.dst', of: 'MFF_SCTP_DST', prereqs: 'sctp' },

  { kind: 'field', name: 'pkt.mark', of: 'MFF_PKT_MARK' },

  // Written only by OVN's own actions (icmp4.frag_mtu: RFC 1191 next-hop MTU; icmp6.frag_mtu: RFC 4443).
  { kind: 'ovn-field', name: 'icmp4.frag_mtu', bits: 16 },
  { kind: 'ovn-field', name: 'icmp6.frag_mtu', bits: 32 },
];
