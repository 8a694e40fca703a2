// Non-throwing per-protocol parsers: each returns the decoded layer or a ParseFailure (layer, offset,
// message). Whole frames: decodeFrame/parseFrame in decode.ts.
import { attempt, type Parsed } from './bytes';
import type { PseudoHeader } from './checksum';
import { readEthernet, type EthernetFrame } from './ethernet';
import { readArp, type ArpPacket } from './arp';
import { readIpv4, type Ipv4Packet } from './ipv4';
import { readIpv6, type Ipv6Packet } from './ipv6';
import { readIcmp4, type Icmp4Packet } from './icmp4';
import { readIcmp6, type Icmp6Packet } from './icmp6';
import { readUdp, type UdpPacket } from './udp';
import { readTcp, type TcpPacket } from './tcp';
import { readSctp, type SctpPacket } from './sctp';
import { readDhcp4, type Dhcp4Message } from './dhcp4';
import { readDhcp6, type Dhcp6Message } from './dhcp6';
import { readDns, type DnsMessage } from './dns';
import { readGeneve, type GenevePacket } from './geneve';

export const parseEthernet = (b: Uint8Array): Parsed<EthernetFrame> => attempt(() => readEthernet(b));
export const parseArp = (b: Uint8Array): Parsed<ArpPacket> => attempt(() => readArp(b));
export const parseIpv4 = (b: Uint8Array): Parsed<Ipv4Packet> => attempt(() => readIpv4(b));
export const parseIpv6 = (b: Uint8Array): Parsed<Ipv6Packet> => attempt(() => readIpv6(b));
export const parseIcmp4 = (b: Uint8Array): Parsed<Icmp4Packet> => attempt(() => readIcmp4(b));
export const parseIcmp6 = (b: Uint8Array, pseudo?: PseudoHeader): Parsed<Icmp6Packet> => attempt(() => readIcmp6(b, 0, pseudo));
export const parseUdp = (b: Uint8Array, pseudo?: PseudoHeader): Parsed<UdpPacket> => attempt(() => readUdp(b, 0, pseudo));
export const parseTcp = (b: Uint8Array, pseudo?: PseudoHeader): Parsed<TcpPacket> => attempt(() => readTcp(b, 0, pseudo));
export const parseSctp = (b: Uint8Array): Parsed<SctpPacket> => attempt(() => readSctp(b));
export const parseDhcp4 = (b: Uint8Array): Parsed<Dhcp4Message> => attempt(() => readDhcp4(b));
export const parseDhcp6 = (b: Uint8Array): Parsed<Dhcp6Message> => attempt(() => readDhcp6(b));
export const parseDns = (b: Uint8Array): Parsed<DnsMessage> => attempt(() => readDns(b));
export const parseGeneve = (b: Uint8Array): Parsed<GenevePacket> => attempt(() => readGeneve(b));
