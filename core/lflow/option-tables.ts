// The option names put_dhcp_opts, put_dhcpv6_opts and put_nd_ra_opts accept, with the code and value type
// each is encoded with. Upstream ovn-controller reads the first two from the Southbound DHCP_Options and
// DHCPv6_Options tables, which ovn-northd 23.03 fills from a fixed list (northd/ovn-northd.c
// supported_dhcp_opts / supported_dhcpv6_opts, codes and types in lib/ovn-l7.h); the ND RA options are a
// fixed list in the controller itself (lib/ovn-l7.h nd_ra_opts_init). Data only: the encoders interpret it.

/** How a DHCPv4 option's value is laid out (lib/actions.c encode_put_dhcpv4_option). */
export type Dhcpv4OptionType = 'ipv4' | 'str' | 'host_id' | 'static_routes' | 'bool' | 'uint8' | 'uint16' | 'uint32' | 'domains';
export type Dhcpv6OptionType = 'ipv6' | 'mac' | 'str';
export type NdRaOptionType = 'str' | 'mac' | 'ipv6' | 'uint32';

export interface OptionSpec<T extends string> {
  readonly name: string;
  readonly code: number;
  readonly type: T;
}

function table<T extends string>(rows: ReadonlyArray<readonly [string, number, T]>): ReadonlyMap<string, OptionSpec<T>> {
  return new Map(rows.map(([name, code, type]) => [name, { name, code, type }]));
}

/** DHCPv4 (SB DHCP_Options). offerip (code 0) is OVN's own: the address offered, not a wire option. */
export const dhcpv4Options: ReadonlyMap<string, OptionSpec<Dhcpv4OptionType>> = table<Dhcpv4OptionType>([
  ['offerip', 0, 'ipv4'],
  ['netmask', 1, 'ipv4'],
  ['router', 3, 'ipv4'],
  ['dns_server', 6, 'ipv4'],
  ['log_server', 7, 'ipv4'],
  ['lpr_server', 9, 'ipv4'],
  ['swap_server', 16, 'ipv4'],
  ['policy_filter', 21, 'ipv4'],
  ['router_solicitation', 32, 'ipv4'],
  ['nis_server', 41, 'ipv4'],
  ['ntp_server', 42, 'ipv4'],
  ['server_id', 54, 'ipv4'],
  ['tftp_server', 66, 'host_id'],
  ['classless_static_route', 121, 'static_routes'],
  ['ms_classless_static_route', 249, 'static_routes'],
  ['ip_forward_enable', 19, 'bool'],
  ['router_discovery', 31, 'bool'],
  ['ethernet_encap', 36, 'bool'],
  ['default_ttl', 23, 'uint8'],
  ['tcp_ttl', 37, 'uint8'],
  ['mtu', 26, 'uint16'],
  ['lease_time', 51, 'uint32'],
  ['T1', 58, 'uint32'],
  ['T2', 59, 'uint32'],
  ['wpad', 252, 'str'],
  ['bootfile_name', 67, 'str'],
  ['path_prefix', 210, 'str'],
  ['tftp_server_address', 150, 'ipv4'],
  ['hostname', 12, 'str'],
  ['domain_name', 15, 'str'],
  ['arp_cache_timeout', 35, 'uint32'],
  ['tcp_keepalive_interval', 38, 'uint32'],
  ['domain_search_list', 119, 'domains'],
  ['bootfile_name_alt', 254, 'str'],
  ['broadcast_address', 28, 'ipv4'],
  ['netbios_name_server', 44, 'ipv4'],
  ['netbios_node_type', 46, 'uint8'],
  ['next_server', 253, 'ipv4'],
]);

/** DHCPv4 option codes the encoder moves to the front (after offerip), as pinctrl expects them there. */
export const dhcpv4Codes = { offerip: 0, bootfileName: 67, bootfileNameAlt: 254, nextServer: 253 } as const;

/** DHCPv6 (SB DHCPv6_Options). */
export const dhcpv6Options: ReadonlyMap<string, OptionSpec<Dhcpv6OptionType>> = table<Dhcpv6OptionType>([
  ['ia_addr', 5, 'ipv6'],
  ['server_id', 2, 'mac'],
  ['domain_search', 24, 'str'],
  ['dns_server', 23, 'ipv6'],
]);

/**
 * IPv6 router advertisement options. addr_mode (0) and router_preference (255) are OVN's own codes for
 * flags in the RA header; the others are ND option types (RFC 4861, 6106, 4191).
 */
export const ndRaOptions: ReadonlyMap<string, OptionSpec<NdRaOptionType>> = table<NdRaOptionType>([
  ['addr_mode', 0, 'str'],
  ['router_preference', 255, 'str'],
  ['slla', 1, 'mac'],
  ['prefix', 3, 'ipv6'],
  ['mtu', 5, 'uint32'],
  ['rdnss', 25, 'ipv6'],
  ['dnssl', 31, 'str'],
  ['route_info', 24, 'str'],
]);
