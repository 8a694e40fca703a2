// The match/set-field field table: every field OVS 3.1 knows, with its NXM/OXM encodings.
// Source of truth: `man ovs-fields` (and the field comments in OVS's meta-flow.h that the man page is built
// from). oxm-fields.test.ts checks this table against the installed man page.
//
// An encoding (OxmCode) is a class + field number (+ experimenter id for class 0xffff). `ofVersion` is the
// lowest OpenFlow wire version in which OVS uses that encoding; when encoding for a version, OVS picks the
// last listed code whose ofVersion <= the version (codes are listed NXM first, then OXM), as we do.

export type FieldFormat =
  | 'hex' | 'decimal' | 'ipv4' | 'ipv6' | 'ethernet' | 'port' | 'ctState' | 'tcpFlags' | 'frag' | 'tunFlags'
  | 'packetType';

export interface OxmCode {
  /** The NXM/OXM constant name as written in ovs-fields, e.g. NXM_NX_REG0 or OXM_OF_METADATA. */
  readonly name: string;
  readonly oxmClass: number;
  readonly field: number;
  /** Experimenter id for class 0xffff (Nicira 0x00002320, ONF 0x4f4e4600, NSH 0x005ad650). */
  readonly experimenter?: number;
  /** Lowest OpenFlow wire version (1 = OF1.0 ... 6 = OF1.5) in which OVS chooses this code. */
  readonly ofVersion: number;
}

export interface FieldDef {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Width in bits of the value (for tun_metadata the maximum: values may be shorter on the wire). */
  readonly bits: number;
  /** Only the low usableBits may be nonzero (e.g. 12 for vlan_vid's VID). */
  readonly usableBits?: number;
  readonly format: FieldFormat;
  readonly maskable: boolean;
  /** Value length may be any 1..bytes on the wire (tun_metadata). */
  readonly variableLength?: boolean;
  readonly codes: readonly OxmCode[];
}

export const nxExperimenterId = 0x00002320;
export const onfExperimenterId = 0x4f4e4600;
export const oxmClassExperimenter = 0xffff;

const scalarFields: readonly FieldDef[] = [
  { name: 'dp_hash', aliases: [], bits: 32, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_DP_HASH', oxmClass: 0x0001, field: 35, ofVersion: 1 }, { name: 'NXOXM_ET_DP_HASH', oxmClass: 0xffff, field: 0, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'recirc_id', aliases: [], bits: 32, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_RECIRC_ID', oxmClass: 0x0001, field: 36, ofVersion: 1 }] },
  { name: 'packet_type', aliases: [], bits: 32, format: 'packetType', maskable: false,
    codes: [{ name: 'OXM_OF_PACKET_TYPE', oxmClass: 0x8000, field: 44, ofVersion: 6 }] },
  { name: 'conj_id', aliases: [], bits: 32, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_CONJ_ID', oxmClass: 0x0001, field: 37, ofVersion: 1 }] },
  { name: 'tun_id', aliases: ['tunnel_id'], bits: 64, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_ID', oxmClass: 0x0001, field: 16, ofVersion: 1 }, { name: 'OXM_OF_TUNNEL_ID', oxmClass: 0x8000, field: 38, ofVersion: 4 }] },
  { name: 'tun_src', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_IPV4_SRC', oxmClass: 0x0001, field: 31, ofVersion: 1 }] },
  { name: 'tun_dst', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_IPV4_DST', oxmClass: 0x0001, field: 32, ofVersion: 1 }] },
  { name: 'tun_ipv6_src', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_IPV6_SRC', oxmClass: 0x0001, field: 109, ofVersion: 1 }] },
  { name: 'tun_ipv6_dst', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_IPV6_DST', oxmClass: 0x0001, field: 110, ofVersion: 1 }] },
  { name: 'tun_flags', aliases: [], bits: 16, usableBits: 1, format: 'tunFlags', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_FLAGS', oxmClass: 0x0001, field: 104, ofVersion: 1 }] },
  { name: 'tun_ttl', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [] },
  { name: 'tun_tos', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [] },
  { name: 'tun_gbp_id', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_GBP_ID', oxmClass: 0x0001, field: 38, ofVersion: 1 }] },
  { name: 'tun_gbp_flags', aliases: [], bits: 8, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_TUN_GBP_FLAGS', oxmClass: 0x0001, field: 39, ofVersion: 1 }] },
  { name: 'tun_erspan_idx', aliases: [], bits: 32, usableBits: 20, format: 'hex', maskable: true,
    codes: [{ name: 'NXOXM_ET_ERSPAN_IDX', oxmClass: 0xffff, field: 11, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'tun_erspan_ver', aliases: [], bits: 8, usableBits: 4, format: 'decimal', maskable: true,
    codes: [{ name: 'NXOXM_ET_ERSPAN_VER', oxmClass: 0xffff, field: 12, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'tun_erspan_dir', aliases: [], bits: 8, usableBits: 1, format: 'decimal', maskable: true,
    codes: [{ name: 'NXOXM_ET_ERSPAN_DIR', oxmClass: 0xffff, field: 13, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'tun_erspan_hwid', aliases: [], bits: 8, usableBits: 6, format: 'hex', maskable: true,
    codes: [{ name: 'NXOXM_ET_ERSPAN_HWID', oxmClass: 0xffff, field: 14, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'tun_gtpu_flags', aliases: [], bits: 8, format: 'hex', maskable: true,
    codes: [{ name: 'NXOXM_ET_GTPU_FLAGS', oxmClass: 0xffff, field: 15, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'tun_gtpu_msgtype', aliases: [], bits: 8, format: 'decimal', maskable: true,
    codes: [{ name: 'NXOXM_ET_GTPU_MSGTYPE', oxmClass: 0xffff, field: 16, experimenter: 0x00002320, ofVersion: 1 }] },
  { name: 'metadata', aliases: [], bits: 64, format: 'hex', maskable: true,
    codes: [{ name: 'OXM_OF_METADATA', oxmClass: 0x8000, field: 2, ofVersion: 3 }] },
  { name: 'in_port', aliases: [], bits: 16, format: 'port', maskable: false,
    codes: [{ name: 'NXM_OF_IN_PORT', oxmClass: 0x0000, field: 0, ofVersion: 1 }] },
  { name: 'in_port_oxm', aliases: [], bits: 32, format: 'port', maskable: false,
    codes: [{ name: 'OXM_OF_IN_PORT', oxmClass: 0x8000, field: 0, ofVersion: 3 }] },
  { name: 'actset_output', aliases: [], bits: 32, format: 'port', maskable: false,
    codes: [{ name: 'ONFOXM_ET_ACTSET_OUTPUT', oxmClass: 0xffff, field: 43, experimenter: 0x4f4e4600, ofVersion: 4 }, { name: 'OXM_OF_ACTSET_OUTPUT', oxmClass: 0x8000, field: 43, ofVersion: 6 }] },
  { name: 'skb_priority', aliases: [], bits: 32, format: 'hex', maskable: false,
    codes: [] },
  { name: 'pkt_mark', aliases: [], bits: 32, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_PKT_MARK', oxmClass: 0x0001, field: 33, ofVersion: 1 }] },
  { name: 'ct_state', aliases: [], bits: 32, format: 'ctState', maskable: true,
    codes: [{ name: 'NXM_NX_CT_STATE', oxmClass: 0x0001, field: 105, ofVersion: 1 }] },
  { name: 'ct_zone', aliases: [], bits: 16, format: 'hex', maskable: false,
    codes: [{ name: 'NXM_NX_CT_ZONE', oxmClass: 0x0001, field: 106, ofVersion: 1 }] },
  { name: 'ct_mark', aliases: [], bits: 32, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_CT_MARK', oxmClass: 0x0001, field: 107, ofVersion: 1 }] },
  { name: 'ct_label', aliases: [], bits: 128, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_CT_LABEL', oxmClass: 0x0001, field: 108, ofVersion: 1 }] },
  { name: 'ct_nw_proto', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_CT_NW_PROTO', oxmClass: 0x0001, field: 119, ofVersion: 1 }] },
  { name: 'ct_nw_src', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_NX_CT_NW_SRC', oxmClass: 0x0001, field: 120, ofVersion: 1 }] },
  { name: 'ct_nw_dst', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_NX_CT_NW_DST', oxmClass: 0x0001, field: 121, ofVersion: 1 }] },
  { name: 'ct_ipv6_src', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_CT_IPV6_SRC', oxmClass: 0x0001, field: 122, ofVersion: 1 }] },
  { name: 'ct_ipv6_dst', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_CT_IPV6_DST', oxmClass: 0x0001, field: 123, ofVersion: 1 }] },
  { name: 'ct_tp_src', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_NX_CT_TP_SRC', oxmClass: 0x0001, field: 124, ofVersion: 1 }] },
  { name: 'ct_tp_dst', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_NX_CT_TP_DST', oxmClass: 0x0001, field: 125, ofVersion: 1 }] },
  { name: 'eth_src', aliases: ['dl_src'], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_OF_ETH_SRC', oxmClass: 0x0000, field: 2, ofVersion: 1 }, { name: 'OXM_OF_ETH_SRC', oxmClass: 0x8000, field: 4, ofVersion: 3 }] },
  { name: 'eth_dst', aliases: ['dl_dst'], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_OF_ETH_DST', oxmClass: 0x0000, field: 1, ofVersion: 1 }, { name: 'OXM_OF_ETH_DST', oxmClass: 0x8000, field: 3, ofVersion: 3 }] },
  { name: 'eth_type', aliases: ['dl_type'], bits: 16, format: 'hex', maskable: false,
    codes: [{ name: 'NXM_OF_ETH_TYPE', oxmClass: 0x0000, field: 3, ofVersion: 1 }, { name: 'OXM_OF_ETH_TYPE', oxmClass: 0x8000, field: 5, ofVersion: 3 }] },
  { name: 'vlan_tci', aliases: [], bits: 16, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_OF_VLAN_TCI', oxmClass: 0x0000, field: 4, ofVersion: 1 }] },
  { name: 'dl_vlan', aliases: [], bits: 16, usableBits: 12, format: 'decimal', maskable: false,
    codes: [] },
  { name: 'vlan_vid', aliases: [], bits: 16, usableBits: 12, format: 'decimal', maskable: true,
    codes: [{ name: 'OXM_OF_VLAN_VID', oxmClass: 0x8000, field: 6, ofVersion: 3 }] },
  { name: 'dl_vlan_pcp', aliases: [], bits: 8, usableBits: 3, format: 'decimal', maskable: false,
    codes: [] },
  { name: 'vlan_pcp', aliases: [], bits: 8, usableBits: 3, format: 'decimal', maskable: false,
    codes: [{ name: 'OXM_OF_VLAN_PCP', oxmClass: 0x8000, field: 7, ofVersion: 3 }] },
  { name: 'mpls_label', aliases: [], bits: 32, usableBits: 20, format: 'decimal', maskable: false,
    codes: [{ name: 'OXM_OF_MPLS_LABEL', oxmClass: 0x8000, field: 34, ofVersion: 3 }] },
  { name: 'mpls_tc', aliases: [], bits: 8, usableBits: 3, format: 'decimal', maskable: false,
    codes: [{ name: 'OXM_OF_MPLS_TC', oxmClass: 0x8000, field: 35, ofVersion: 3 }] },
  { name: 'mpls_bos', aliases: [], bits: 8, usableBits: 1, format: 'decimal', maskable: false,
    codes: [{ name: 'OXM_OF_MPLS_BOS', oxmClass: 0x8000, field: 36, ofVersion: 4 }] },
  { name: 'mpls_ttl', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_MPLS_TTL', oxmClass: 0x0001, field: 30, ofVersion: 1 }] },
  { name: 'ip_src', aliases: ['nw_src'], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_OF_IP_SRC', oxmClass: 0x0000, field: 7, ofVersion: 1 }, { name: 'OXM_OF_IPV4_SRC', oxmClass: 0x8000, field: 11, ofVersion: 3 }] },
  { name: 'ip_dst', aliases: ['nw_dst'], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_OF_IP_DST', oxmClass: 0x0000, field: 8, ofVersion: 1 }, { name: 'OXM_OF_IPV4_DST', oxmClass: 0x8000, field: 12, ofVersion: 3 }] },
  { name: 'ipv6_src', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_IPV6_SRC', oxmClass: 0x0001, field: 19, ofVersion: 1 }, { name: 'OXM_OF_IPV6_SRC', oxmClass: 0x8000, field: 26, ofVersion: 3 }] },
  { name: 'ipv6_dst', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_IPV6_DST', oxmClass: 0x0001, field: 20, ofVersion: 1 }, { name: 'OXM_OF_IPV6_DST', oxmClass: 0x8000, field: 27, ofVersion: 3 }] },
  { name: 'ipv6_label', aliases: [], bits: 32, usableBits: 20, format: 'hex', maskable: true,
    codes: [{ name: 'NXM_NX_IPV6_LABEL', oxmClass: 0x0001, field: 27, ofVersion: 1 }, { name: 'OXM_OF_IPV6_FLABEL', oxmClass: 0x8000, field: 28, ofVersion: 3 }] },
  { name: 'nw_proto', aliases: ['ip_proto'], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_OF_IP_PROTO', oxmClass: 0x0000, field: 6, ofVersion: 1 }, { name: 'OXM_OF_IP_PROTO', oxmClass: 0x8000, field: 10, ofVersion: 3 }] },
  { name: 'nw_tos', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_OF_IP_TOS', oxmClass: 0x0000, field: 5, ofVersion: 1 }] },
  { name: 'ip_dscp', aliases: [], bits: 8, usableBits: 6, format: 'decimal', maskable: false,
    codes: [{ name: 'OXM_OF_IP_DSCP', oxmClass: 0x8000, field: 8, ofVersion: 3 }] },
  { name: 'nw_ecn', aliases: ['ip_ecn'], bits: 8, usableBits: 2, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_IP_ECN', oxmClass: 0x0001, field: 28, ofVersion: 1 }, { name: 'OXM_OF_IP_ECN', oxmClass: 0x8000, field: 9, ofVersion: 3 }] },
  { name: 'nw_ttl', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_IP_TTL', oxmClass: 0x0001, field: 29, ofVersion: 1 }] },
  { name: 'ip_frag', aliases: ['nw_frag'], bits: 8, usableBits: 2, format: 'frag', maskable: true,
    codes: [{ name: 'NXM_NX_IP_FRAG', oxmClass: 0x0001, field: 26, ofVersion: 1 }] },
  { name: 'arp_op', aliases: [], bits: 16, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_OF_ARP_OP', oxmClass: 0x0000, field: 15, ofVersion: 1 }, { name: 'OXM_OF_ARP_OP', oxmClass: 0x8000, field: 21, ofVersion: 3 }] },
  { name: 'arp_spa', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_OF_ARP_SPA', oxmClass: 0x0000, field: 16, ofVersion: 1 }, { name: 'OXM_OF_ARP_SPA', oxmClass: 0x8000, field: 22, ofVersion: 3 }] },
  { name: 'arp_tpa', aliases: [], bits: 32, format: 'ipv4', maskable: true,
    codes: [{ name: 'NXM_OF_ARP_TPA', oxmClass: 0x0000, field: 17, ofVersion: 1 }, { name: 'OXM_OF_ARP_TPA', oxmClass: 0x8000, field: 23, ofVersion: 3 }] },
  { name: 'arp_sha', aliases: [], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_NX_ARP_SHA', oxmClass: 0x0001, field: 17, ofVersion: 1 }, { name: 'OXM_OF_ARP_SHA', oxmClass: 0x8000, field: 24, ofVersion: 3 }] },
  { name: 'arp_tha', aliases: [], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_NX_ARP_THA', oxmClass: 0x0001, field: 18, ofVersion: 1 }, { name: 'OXM_OF_ARP_THA', oxmClass: 0x8000, field: 25, ofVersion: 3 }] },
  { name: 'tcp_src', aliases: ['tp_src'], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_OF_TCP_SRC', oxmClass: 0x0000, field: 9, ofVersion: 1 }, { name: 'OXM_OF_TCP_SRC', oxmClass: 0x8000, field: 13, ofVersion: 3 }] },
  { name: 'tcp_dst', aliases: ['tp_dst'], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_OF_TCP_DST', oxmClass: 0x0000, field: 10, ofVersion: 1 }, { name: 'OXM_OF_TCP_DST', oxmClass: 0x8000, field: 14, ofVersion: 3 }] },
  { name: 'tcp_flags', aliases: [], bits: 16, usableBits: 12, format: 'tcpFlags', maskable: true,
    codes: [{ name: 'NXM_NX_TCP_FLAGS', oxmClass: 0x0001, field: 34, ofVersion: 1 }, { name: 'ONFOXM_ET_TCP_FLAGS', oxmClass: 0xffff, field: 42, experimenter: 0x4f4e4600, ofVersion: 4 }, { name: 'OXM_OF_TCP_FLAGS', oxmClass: 0x8000, field: 42, ofVersion: 6 }] },
  { name: 'udp_src', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_OF_UDP_SRC', oxmClass: 0x0000, field: 11, ofVersion: 1 }, { name: 'OXM_OF_UDP_SRC', oxmClass: 0x8000, field: 15, ofVersion: 3 }] },
  { name: 'udp_dst', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'NXM_OF_UDP_DST', oxmClass: 0x0000, field: 12, ofVersion: 1 }, { name: 'OXM_OF_UDP_DST', oxmClass: 0x8000, field: 16, ofVersion: 3 }] },
  { name: 'sctp_src', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'OXM_OF_SCTP_SRC', oxmClass: 0x8000, field: 17, ofVersion: 3 }] },
  { name: 'sctp_dst', aliases: [], bits: 16, format: 'decimal', maskable: true,
    codes: [{ name: 'OXM_OF_SCTP_DST', oxmClass: 0x8000, field: 18, ofVersion: 3 }] },
  { name: 'icmp_type', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_OF_ICMP_TYPE', oxmClass: 0x0000, field: 13, ofVersion: 1 }, { name: 'OXM_OF_ICMPV4_TYPE', oxmClass: 0x8000, field: 19, ofVersion: 3 }] },
  { name: 'icmp_code', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_OF_ICMP_CODE', oxmClass: 0x0000, field: 14, ofVersion: 1 }, { name: 'OXM_OF_ICMPV4_CODE', oxmClass: 0x8000, field: 20, ofVersion: 3 }] },
  { name: 'icmpv6_type', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_ICMPV6_TYPE', oxmClass: 0x0001, field: 21, ofVersion: 1 }, { name: 'OXM_OF_ICMPV6_TYPE', oxmClass: 0x8000, field: 29, ofVersion: 3 }] },
  { name: 'icmpv6_code', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXM_NX_ICMPV6_CODE', oxmClass: 0x0001, field: 22, ofVersion: 1 }, { name: 'OXM_OF_ICMPV6_CODE', oxmClass: 0x8000, field: 30, ofVersion: 3 }] },
  { name: 'nd_target', aliases: [], bits: 128, format: 'ipv6', maskable: true,
    codes: [{ name: 'NXM_NX_ND_TARGET', oxmClass: 0x0001, field: 23, ofVersion: 1 }, { name: 'OXM_OF_IPV6_ND_TARGET', oxmClass: 0x8000, field: 31, ofVersion: 3 }] },
  { name: 'nd_sll', aliases: [], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_NX_ND_SLL', oxmClass: 0x0001, field: 24, ofVersion: 1 }, { name: 'OXM_OF_IPV6_ND_SLL', oxmClass: 0x8000, field: 32, ofVersion: 3 }] },
  { name: 'nd_tll', aliases: [], bits: 48, format: 'ethernet', maskable: true,
    codes: [{ name: 'NXM_NX_ND_TLL', oxmClass: 0x0001, field: 25, ofVersion: 1 }, { name: 'OXM_OF_IPV6_ND_TLL', oxmClass: 0x8000, field: 33, ofVersion: 3 }] },
  { name: 'nd_reserved', aliases: [], bits: 32, format: 'decimal', maskable: false,
    codes: [{ name: 'ERICOXM_OF_ICMPV6_ND_RESERVED', oxmClass: 0x1000, field: 1, ofVersion: 1 }] },
  { name: 'nd_options_type', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'ERICOXM_OF_ICMPV6_ND_OPTIONS_TYPE', oxmClass: 0x1000, field: 2, ofVersion: 1 }] },
  { name: 'nsh_flags', aliases: [], bits: 8, format: 'decimal', maskable: true,
    codes: [{ name: 'NXOXM_NSH_FLAGS', oxmClass: 0xffff, field: 1, experimenter: 0x005ad650, ofVersion: 1 }] },
  { name: 'nsh_mdtype', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXOXM_NSH_MDTYPE', oxmClass: 0xffff, field: 2, experimenter: 0x005ad650, ofVersion: 1 }] },
  { name: 'nsh_np', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXOXM_NSH_NP', oxmClass: 0xffff, field: 3, experimenter: 0x005ad650, ofVersion: 1 }] },
  { name: 'nsh_spi', aliases: ['nsp'], bits: 32, usableBits: 24, format: 'hex', maskable: false,
    codes: [{ name: 'NXOXM_NSH_SPI', oxmClass: 0xffff, field: 4, experimenter: 0x005ad650, ofVersion: 1 }] },
  { name: 'nsh_si', aliases: ['nsi'], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXOXM_NSH_SI', oxmClass: 0xffff, field: 5, experimenter: 0x005ad650, ofVersion: 1 }] },
  { name: 'nsh_ttl', aliases: [], bits: 8, format: 'decimal', maskable: false,
    codes: [{ name: 'NXOXM_NSH_TTL', oxmClass: 0xffff, field: 10, experimenter: 0x005ad650, ofVersion: 1 }] },
];

// Field families that ovs-fields documents once with "N" (reg0..15 etc.), expanded here.
function family(count: number, make: (i: number) => FieldDef): FieldDef[] {
  return Array.from({ length: count }, (_, i) => make(i));
}

const familyFields: readonly FieldDef[] = [
  ...family(16, (i) => ({
    name: `reg${i}`, aliases: [], bits: 32, format: 'hex' as const, maskable: true,
    codes: [{ name: `NXM_NX_REG${i}`, oxmClass: 0x0001, field: i, ofVersion: 1 }],
  })),
  ...family(8, (i) => ({
    name: `xreg${i}`, aliases: [], bits: 64, format: 'hex' as const, maskable: true,
    codes: [{ name: `OXM_OF_PKT_REG${i}`, oxmClass: 0x8001, field: i, ofVersion: 4 }],
  })),
  ...family(4, (i) => ({
    name: `xxreg${i}`, aliases: [], bits: 128, format: 'hex' as const, maskable: true,
    codes: [{ name: `NXM_NX_XXREG${i}`, oxmClass: 0x0001, field: 111 + i, ofVersion: 1 }],
  })),
  ...family(64, (i) => ({
    name: `tun_metadata${i}`, aliases: [], bits: 992, format: 'hex' as const, maskable: true, variableLength: true,
    codes: [{ name: `NXM_NX_TUN_METADATA${i}`, oxmClass: 0x0001, field: 40 + i, ofVersion: 1 }],
  })),
  ...family(4, (i) => ({
    name: `nsh_c${i + 1}`, aliases: [`nshc${i + 1}`], bits: 32, format: 'hex' as const, maskable: true,
    codes: [{ name: `NXOXM_NSH_C${i + 1}`, oxmClass: 0xffff, field: 6 + i, experimenter: 0x005ad650, ofVersion: 1 }],
  })),
];

export const fieldTable: readonly FieldDef[] = [...scalarFields, ...familyFields];

export function fieldBytes(f: FieldDef): number {
  return Math.ceil(f.bits / 8);
}

const byName = new Map<string, FieldDef>();
const byCodeName = new Map<string, FieldDef>();
const byHeader = new Map<number, { field: FieldDef; code: OxmCode }>();

// Numeric keys (this lookup runs for every OXM decoded): class and field number, plus the experimenter id
// for class 0xffff. 2^16 * 2^7 * 2^32 exceeds 2^53, so the experimenter is folded in through a small index.
// The index is filled from the table only; an unknown experimenter id has no key (so untrusted input can
// never grow the map).
const experimenterIndex = new Map<number, number>();
function headerKey(oxmClass: number, field: number, experimenter: number | undefined): number | undefined {
  let e = 0;
  if (experimenter !== undefined) {
    const known = experimenterIndex.get(experimenter);
    if (known === undefined) return undefined;
    e = known;
  }
  return (e * 0x10000 + oxmClass) * 0x80 + field;
}

for (const f of fieldTable) {
  for (const c of f.codes) {
    if (c.experimenter !== undefined && !experimenterIndex.has(c.experimenter)) {
      experimenterIndex.set(c.experimenter, experimenterIndex.size + 1);
    }
  }
}


for (const f of fieldTable) {
  for (const n of [f.name, ...f.aliases]) {
    if (byName.has(n)) throw new Error(`oxm-fields: duplicate field name ${n}`);
    byName.set(n, f);
  }
  for (const c of f.codes) {
    byCodeName.set(c.name, f);
    const key = headerKey(c.oxmClass, c.field, c.experimenter);
    if (key === undefined || byHeader.has(key)) throw new Error(`oxm-fields: bad or duplicate code ${c.name}`);
    byHeader.set(key, { field: f, code: c });
  }
}

/** Looks up a field by its ovs name or alias ("reg0", "dl_src") or NXM/OXM name ("NXM_NX_REG0"). */
export function fieldByName(name: string): FieldDef | undefined {
  return byName.get(name) ?? byCodeName.get(name);
}

export function codeByName(name: string): { field: FieldDef; code: OxmCode } | undefined {
  const f = byCodeName.get(name);
  if (!f) return undefined;
  const code = f.codes.find((c) => c.name === name)!;
  return { field: f, code };
}

export function fieldByHeader(
  oxmClass: number, field: number, experimenter?: number,
): { field: FieldDef; code: OxmCode } | undefined {
  const key = headerKey(oxmClass, field, oxmClass === oxmClassExperimenter ? experimenter : undefined);
  return key === undefined ? undefined : byHeader.get(key);
}

/** The code OVS uses for field `f` when speaking OpenFlow wire version `version` (see file comment). */
export function preferredCode(f: FieldDef, version: number): OxmCode | undefined {
  let chosen: OxmCode | undefined;
  for (const c of f.codes) if (!chosen || version >= c.ofVersion) chosen = c;
  return chosen;
}
