// The Open vSwitch fields that logical fields map onto (facts from ovs-fields(7) and OVS meta-flow):
// significant width in bits, NXM/OXM name used on the wire, whether OpenFlow can mask it arbitrarily
// (upstream makes unmaskable fields "nominal": == and != only), whether set_field may write it, and the
// format values are shown in. One row per field; nothing here is logical-network specific.
import type { IntFormat } from './lexer';

export interface OfField {
  /** OVS's enum name, e.g. MFF_REG14. */
  readonly id: string;
  /** ovs-ofctl name, e.g. reg14. */
  readonly ovsName: string;
  /** The NXM or OXM header name that carries it in flow_mod messages. */
  readonly wireName: string;
  readonly bits: number;
  readonly maskable: boolean;
  readonly writable: boolean;
  readonly format: IntFormat;
}

type Row = [id: string, ovsName: string, wireName: string, bits: number, maskable: boolean, writable: boolean, format: IntFormat];

const rows: Row[] = [
  ['MFF_METADATA', 'metadata', 'OXM_OF_METADATA', 64, true, true, 'hex'],
  ...Array.from({ length: 16 }, (_, i): Row => [`MFF_REG${i}`, `reg${i}`, `NXM_NX_REG${i}`, 32, true, true, 'hex']),
  ...Array.from({ length: 8 }, (_, i): Row => [`MFF_XREG${i}`, `xreg${i}`, `OXM_OF_PKT_REG${i}`, 64, true, true, 'hex']),
  ...Array.from({ length: 4 }, (_, i): Row => [`MFF_XXREG${i}`, `xxreg${i}`, `NXM_NX_XXREG${i}`, 128, true, true, 'hex']),
  ['MFF_PKT_MARK', 'pkt_mark', 'NXM_NX_PKT_MARK', 32, true, true, 'hex'],
  ['MFF_CT_STATE', 'ct_state', 'NXM_NX_CT_STATE', 32, true, false, 'hex'],
  ['MFF_CT_MARK', 'ct_mark', 'NXM_NX_CT_MARK', 32, true, true, 'hex'],
  ['MFF_CT_LABEL', 'ct_label', 'NXM_NX_CT_LABEL', 128, true, true, 'hex'],
  ['MFF_ETH_SRC', 'eth_src', 'NXM_OF_ETH_SRC', 48, true, true, 'ethernet'],
  ['MFF_ETH_DST', 'eth_dst', 'NXM_OF_ETH_DST', 48, true, true, 'ethernet'],
  ['MFF_ETH_TYPE', 'eth_type', 'NXM_OF_ETH_TYPE', 16, false, false, 'hex'],
  ['MFF_VLAN_TCI', 'vlan_tci', 'NXM_OF_VLAN_TCI', 16, true, true, 'hex'],
  ['MFF_IP_PROTO', 'nw_proto', 'NXM_OF_IP_PROTO', 8, false, false, 'decimal'],
  ['MFF_IP_DSCP_SHIFTED', 'ip_dscp', 'OXM_OF_IP_DSCP', 6, false, true, 'decimal'],
  ['MFF_IP_ECN', 'nw_ecn', 'NXM_NX_IP_ECN', 2, false, true, 'decimal'],
  ['MFF_IP_TTL', 'nw_ttl', 'NXM_NX_IP_TTL', 8, false, true, 'decimal'],
  ['MFF_IP_FRAG', 'ip_frag', 'NXM_NX_IP_FRAG', 2, true, false, 'hex'],
  ['MFF_IPV4_SRC', 'ip_src', 'NXM_OF_IP_SRC', 32, true, true, 'ipv4'],
  ['MFF_IPV4_DST', 'ip_dst', 'NXM_OF_IP_DST', 32, true, true, 'ipv4'],
  ['MFF_IPV6_SRC', 'ipv6_src', 'NXM_NX_IPV6_SRC', 128, true, true, 'ipv6'],
  ['MFF_IPV6_DST', 'ipv6_dst', 'NXM_NX_IPV6_DST', 128, true, true, 'ipv6'],
  ['MFF_IPV6_LABEL', 'ipv6_label', 'NXM_NX_IPV6_LABEL', 20, true, true, 'hex'],
  ['MFF_ICMPV4_TYPE', 'icmp_type', 'NXM_OF_ICMP_TYPE', 8, false, true, 'decimal'],
  ['MFF_ICMPV4_CODE', 'icmp_code', 'NXM_OF_ICMP_CODE', 8, false, true, 'decimal'],
  ['MFF_ICMPV6_TYPE', 'icmpv6_type', 'NXM_NX_ICMPV6_TYPE', 8, false, true, 'decimal'],
  ['MFF_ICMPV6_CODE', 'icmpv6_code', 'NXM_NX_ICMPV6_CODE', 8, false, true, 'decimal'],
  ['MFF_ARP_OP', 'arp_op', 'NXM_OF_ARP_OP', 16, false, true, 'decimal'],
  ['MFF_ARP_SPA', 'arp_spa', 'NXM_OF_ARP_SPA', 32, true, true, 'ipv4'],
  ['MFF_ARP_TPA', 'arp_tpa', 'NXM_OF_ARP_TPA', 32, true, true, 'ipv4'],
  ['MFF_ARP_SHA', 'arp_sha', 'NXM_NX_ARP_SHA', 48, true, true, 'ethernet'],
  ['MFF_ARP_THA', 'arp_tha', 'NXM_NX_ARP_THA', 48, true, true, 'ethernet'],
  ['MFF_ND_TARGET', 'nd_target', 'NXM_NX_ND_TARGET', 128, true, true, 'ipv6'],
  ['MFF_ND_SLL', 'nd_sll', 'NXM_NX_ND_SLL', 48, true, true, 'ethernet'],
  ['MFF_ND_TLL', 'nd_tll', 'NXM_NX_ND_TLL', 48, true, true, 'ethernet'],
  ['MFF_TCP_SRC', 'tcp_src', 'NXM_OF_TCP_SRC', 16, true, true, 'decimal'],
  ['MFF_TCP_DST', 'tcp_dst', 'NXM_OF_TCP_DST', 16, true, true, 'decimal'],
  ['MFF_TCP_FLAGS', 'tcp_flags', 'NXM_NX_TCP_FLAGS', 12, true, false, 'hex'],
  ['MFF_UDP_SRC', 'udp_src', 'NXM_OF_UDP_SRC', 16, true, true, 'decimal'],
  ['MFF_UDP_DST', 'udp_dst', 'NXM_OF_UDP_DST', 16, true, true, 'decimal'],
  ['MFF_SCTP_SRC', 'sctp_src', 'OXM_OF_SCTP_SRC', 16, true, true, 'decimal'],
  ['MFF_SCTP_DST', 'sctp_dst', 'OXM_OF_SCTP_DST', 16, true, true, 'decimal'],
];

export const ofFields: ReadonlyMap<string, OfField> = new Map(
  rows.map(([id, ovsName, wireName, bits, maskable, writable, format]) => [
    id,
    { id, ovsName, wireName, bits, maskable, writable, format },
  ]),
);

/**
 * Where ovn-controller keeps the logical pipeline's implicit state (include/ovn/logical-fields.h and
 * ovn-architecture(7)): these are not match symbols but compilation needs them.
 */
export const logicalStateFields = {
  datapath: 'MFF_METADATA', // MFF_LOG_DATAPATH
  flags: 'MFF_REG10', // MFF_LOG_FLAGS
  dnatZone: 'MFF_REG11', // MFF_LOG_DNAT_ZONE
  snatZone: 'MFF_REG12', // MFF_LOG_SNAT_ZONE
  ctZone: 'MFF_REG13', // MFF_LOG_CT_ZONE
  inport: 'MFF_REG14', // MFF_LOG_INPORT
  outport: 'MFF_REG15', // MFF_LOG_OUTPORT
} as const;
