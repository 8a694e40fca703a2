// core/packet: pure packet codecs (parse and build), whole-frame decoding and OVS flow-key extraction.
//
// Layers of the API, each usable alone:
//   readX(bytes, base?)       one protocol's reader (ethernet.ts ... geneve.ts); throws PacketError carrying
//                             the layer, the absolute byte offset (base + position) and what was wrong.
//   parseX(bytes)             the same, never throwing: Parsed<T> = { ok, value } | { ok: false, error }.
//   encodeX(spec, ...)        one protocol's writer; lengths and checksums are computed unless overridden.
//   decodeFrame / parseFrame  a whole frame through table-driven dispatch (EtherType, IP protocol, UDP port,
//                             Geneve payload); tolerant vs strict (strict also rejects bad checksums).
//   buildFrame(layers)        a whole frame from layer specs, outermost first; type fields, ports, lengths
//                             and pseudo-header checksums filled in.
//   recipes                   one-call frames for hosts and tests (ARP, ICMP echo, ND, DHCP, DNS, Geneve);
//                             responder-recipes: the answers (DHCPv4/v6 replies, RA, DNS, ICMP errors).
//   extractFlowKey            the OVS flow key (ovs-fields names) straight from bytes, as ovs-vswitchd does;
//                             formatFlowKey prints it as ofproto/trace's "Flow:" line.
//   encodePcap / decodePcap   pcap files (bytes only) for recording and replaying frames.
// Addresses in parsed headers: MAC and IPv6 as Uint8Array, IPv4 as an unsigned 32-bit number; builders also
// take text. Flow keys: numbers for ≤ 32-bit fields, bigint for MACs, IPv6 addresses and tun_id.
export * from './bytes';
export * from './address';
export * from './checksum';
export * from './ethernet';
export * from './arp';
export * from './ip-protocols';
export * from './ipv4';
export * from './ipv6';
export * from './icmp4';
export * from './nd-options';
export * from './icmp6';
export * from './udp';
export * from './tcp';
export * from './sctp';
export * from './dhcp4';
export * from './dhcp6';
export * from './dns';
export * from './geneve';
export * from './decode';
export * from './build';
export * from './recipes';
export * from './responder-recipes';
export * from './flow-key';
export * from './flow-format';
export * from './parse';
export * from './pcap';
