// Logical flows using the actions whose encoders follow upstream lib/actions.c closely (DHCP, DHCPv6 and
// ND RA options, load balancer affinity, ECMP symmetric reply, forwarding groups, QoS queues, BFD,
// sampling), with arguments in the forms ovn-northd 23.03 writes them (see northd-corpus.json) plus the
// option types and corner cases northd can produce. Shared by the upstream differential test and the
// encoding fuzz test (core/lflow/compile/actions.upstream.test.ts, actions-fuzz.test.ts). Data only.

/** A logical flow on a datapath of the corpus topology (test-support/ovn-topology.ts), by NB name. */
export interface ActionCase {
  readonly datapath: 'sw0' | 'lr0';
  readonly pipeline: 'ingress' | 'egress';
  readonly match: string;
  readonly actions: string;
  /** Logical_Flow controller_meter: the controller actions carry a meter id. */
  readonly controllerMeter?: string;
}

const dhcpCorpus = 'reg0[3] = put_dhcp_opts(offerip = 10.0.0.11, classless_static_route = {30.0.0.0/24,10.0.0.4,0.0.0.0/0,10.0.0.1}, dns_server = {8.8.8.8,7.7.7.7}, domain_name = "ovn.org", lease_time = 3600, mtu = 1400, netmask = 255.255.255.0, router = 10.0.0.1, server_id = 10.0.0.1); next;';
const dhcpMatch = 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67';
const raMatch = 'inport == "lr0-sw0" && ip6.dst == ff02::2 && nd_rs';

/** Every action this compiler learned from the upstream encoders, in the forms northd writes them. */
export const actionCases: readonly ActionCase[] = [
  // put_dhcp_opts: the corpus form, then every option type and the options pinctrl wants first.
  { datapath: 'sw0', pipeline: 'ingress', match: dhcpMatch, actions: dhcpCorpus },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'reg0[3] = put_dhcp_opts(offerip = 10.0.0.12, netmask = 255.255.255.0, router = 10.0.0.1, ip_forward_enable = 1, default_ttl = 64, tcp_ttl = 65, T1 = 1800, T2 = 3150, wpad = "http://w/p", hostname = "vm2", tftp_server = "tftp.ovn.org", bootfile_name = "pxe.0", next_server = 10.0.0.5, bootfile_name_alt = "ipxe.efi", ms_classless_static_route = {10.0.0.0/8, 10.0.0.1}, domain_search_list = "abc.com,xyz.abc.com,ovn.org", netbios_node_type = 2, netbios_name_server = {10.0.0.2, 10.0.0.3}, arp_cache_timeout = 60, tcp_keepalive_interval = 7200, broadcast_address = 10.0.0.255, path_prefix = "/srv", router_discovery = 0, ethernet_encap = 1); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'reg0[3] = put_dhcp_opts(offerip = 10.0.0.13, tftp_server = 10.0.0.9, lease_time = 0xffffffff, mtu = 1500, domain_search_list = "a.b.c,b.c,c,x.a.b.c"); next;' },
  // put_dhcpv6_opts: the corpus form and the domain search string.
  { datapath: 'sw0', pipeline: 'ingress', match: 'inport == "vm1" && eth.src == 00:00:00:00:00:01 && ip6.dst == ff02::1:2 && udp.src == 546 && udp.dst == 547', actions: 'reg0[3] = put_dhcpv6_opts(ia_addr = fd00::11, dns_server = {fd00::53}, server_id = 00:00:00:00:ff:01); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip6', actions: 'reg0[3] = put_dhcpv6_opts(server_id = 00:00:00:00:ff:01, domain_search = "ovn.org", dns_server = {fd00::53, fd00::54}); next;' },
  // put_nd_ra_opts: the corpus form, then northd's optional mtu, preference, rdnss, dnssl and route_info.
  { datapath: 'lr0', pipeline: 'ingress', match: raMatch, actions: 'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 00:00:00:00:ff:01, prefix = fd00::/64); next;' },
  { datapath: 'lr0', pipeline: 'ingress', match: raMatch, actions: 'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 00:00:00:00:ff:01, mtu = 1450, router_preference = "HIGH", rdnss = fd00::53, dnssl = "aa.bb.cc,ovn.org", route_info = "HIGH-aef1::11/48,LOW-aef2::11/96,MEDIUM-aef3::/128"); next;' },
  { datapath: 'lr0', pipeline: 'ingress', match: raMatch, actions: 'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateless", slla = 00:00:00:00:ff:01, prefix = fd00:1::/64, router_preference = "LOW", prefix = fd00:2::/48); next;' },
  { datapath: 'lr0', pipeline: 'ingress', match: raMatch, actions: 'reg0[5] = put_nd_ra_opts(addr_mode = "dhcpv6_stateful", slla = 00:00:00:00:ff:01, prefix = fd00::/64); next;' },
  // commit_lb_aff on a switch and a router, IPv4 and IPv6, with and without ports; chk_lb_aff reads it.
  { datapath: 'sw0', pipeline: 'ingress', match: 'reg9[6] == 0 && ct.new && ip4 && reg1 == 10.0.0.102 && reg2[0..15] == 53 && ip4.dst == 10.0.0.11 && udp.dst == 53', actions: 'commit_lb_aff(vip = "10.0.0.102:53", backend = "10.0.0.11:53", proto = udp, timeout = 60); /* drop */' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'reg9[6] == 0 && ct.new && ip4 && reg0 == 10.0.0.102 && reg9[16..31] == 53 && ip4.dst == 10.0.0.11 && udp.dst == 53', actions: 'commit_lb_aff(vip = "10.0.0.102:53", backend = "10.0.0.11:53", proto = udp, timeout = 60); /* drop */' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ct.new && ip6', actions: 'commit_lb_aff(vip = "[fd00::100]:80", backend = "[fd00::11]:8080", proto = tcp, timeout = 30);' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ct.new && ip6', actions: 'commit_lb_aff(vip = "[fd00::100]:80", backend = "[fd00::11]:8080", proto = sctp, timeout = 65535);' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ct.new && ip4', actions: 'commit_lb_aff(vip = "10.0.0.101", backend = "10.0.0.12", timeout = 5);' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ct.new && ip6', actions: 'commit_lb_aff(vip = "fd00::101", backend = "fd00::12", timeout = 5);' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ct.new && ip4', actions: 'reg9[6] = chk_lb_aff(); next;' },
  // ECMP symmetric reply: commit_ecmp_nh for each family and protocol, and the two checks.
  ...(['false', 'true'] as const).flatMap((v6) => (['tcp', 'udp', 'sctp'] as const).map((proto): ActionCase => ({
    datapath: 'lr0', pipeline: 'ingress',
    match: `inport == "lr0-pub" && ip${v6 === 'true' ? '6' : '4'}.src == ${v6 === 'true' ? '2001:db8::fd' : '172.16.0.253'} && (ct.new && !ct.est) && ${proto}`,
    actions: `ct_commit { ct_label.ecmp_reply_eth = eth.src;  ct_mark.ecmp_reply_port = 2;}; commit_ecmp_nh(ipv6 = ${v6}, proto = ${proto}); next;`,
  }))),
  { datapath: 'lr0', pipeline: 'ingress', match: 'inport == "lr0-pub" && ip4.src == 172.16.0.253', actions: 'reg9[5] = chk_ecmp_nh_mac(); ct_next;' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ip4.dst == 192.168.0.0/16', actions: 'reg9[5] = chk_ecmp_nh(); ct_next;' },
  // QoS queues, forwarding groups (ingress and egress output tables), BFD, sampling.
  { datapath: 'sw0', pipeline: 'egress', match: 'outport == "vm1"', actions: 'set_queue(10); output;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'set_queue(61440); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'eth.dst == 00:00:00:00:00:aa', actions: 'fwd_group(childports="vm1","vm2");' },
  { datapath: 'sw0', pipeline: 'egress', match: 'eth.dst == 00:00:00:00:00:ab', actions: 'fwd_group(childports="vm3","vm2","vm1");' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'eth.dst == 00:00:00:00:00:ac', actions: 'fwd_group(liveness="true",childports="vm1","vm2");' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'eth.dst == 00:00:00:00:00:ad', actions: 'fwd_group(childports="vm1","nope");' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ip4.dst == 172.16.0.1 && udp.dst == 3784', actions: 'handle_bfd_msg(); ' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'sample(probability=100, collector_set=5, obs_domain=2, obs_point=$cookie); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip6', actions: 'sample(probability=65535,collector_set=5,obs_domain=255,obs_point=4000000000); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'arp', actions: 'sample(probability=1, collector_set=6, obs_point=1); next;' },
  // A result field header outside xxreg0 and dns_lookup's udp prerequisite.
  { datapath: 'sw0', pipeline: 'ingress', match: 'udp.dst == 53', actions: 'reg0[4] = dns_lookup(); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'reg9[4] = dns_lookup(); next;' },
  { datapath: 'sw0', pipeline: 'ingress', match: 'ip4', actions: 'reg9[3] = put_dhcp_opts(offerip = 10.0.0.14); next;' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'eth.mcast', actions: 'xreg4[7] = put_nd_ra_opts(slla = 00:00:00:00:ff:01, addr_mode = "dhcpv6_stateful"); next;' },
  // Controller actions metered through the flow's controller_meter.
  { datapath: 'sw0', pipeline: 'ingress', match: dhcpMatch, actions: dhcpCorpus, controllerMeter: 'dhcp-meter' },
  { datapath: 'lr0', pipeline: 'ingress', match: raMatch, actions: 'reg0[5] = put_nd_ra_opts(addr_mode = "slaac", slla = 00:00:00:00:ff:01, prefix = fd00::/64); next;', controllerMeter: 'ra-meter' },
  { datapath: 'lr0', pipeline: 'ingress', match: 'ip4.dst == 172.16.0.1 && udp.dst == 3784', actions: 'handle_bfd_msg(); ', controllerMeter: 'bfd-meter' },
];
