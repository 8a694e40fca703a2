// Frames that a network service answers with (what OVN's controller sends from its packet-in handlers:
// DHCPv4/DHCPv6 replies, router advertisements, DNS answers, ICMP errors). Built from the request's fields.
import { assert } from '../util/assert';
import { toIpv4, type Ipv4Like, type Ipv6Like, type MacLike } from './address';
import { readU32 } from './bytes';
import { buildFrame, type LayerSpec } from './build';
import { readEthernet, ethTypes } from './ethernet';
import { dhcp4MessageTypes, dhcp4OptionCodes, dhcp4Ops, dhcp4Opt, type Dhcp4Option } from './dhcp4';
import { dhcp6OptionCodes, dhcp6Opt, type Dhcp6Option } from './dhcp6';
import type { DnsRecordSpec } from './dns';
import type { NdOptionSpec } from './nd-options';
import { icmp6Types } from './icmp6';

/** RFC 792: an ICMPv4 error quotes the IP header and the first 8 bytes of its payload. */
const icmp4QuotedPayloadBytes = 8;
/** RFC 4443 2.4(c): an ICMPv6 error quotes as much as fits in the minimum IPv6 MTU. */
const ipv6MinMtuBytes = 1280;

export interface Dhcp4ReplyParams {
  readonly serverMac: MacLike;
  readonly serverIp: Ipv4Like;
  readonly clientMac: MacLike;
  readonly xid: number;
  /** dhcp4MessageTypes.offer, .ack or .nak. */
  readonly messageType: number;
  readonly yiaddr: Ipv4Like;
  readonly leaseTimeSeconds?: number;
  readonly subnetMask?: Ipv4Like;
  readonly router?: Ipv4Like;
  readonly dnsServers?: readonly Ipv4Like[];
  readonly mtu?: number;
  readonly domainName?: string;
  /** Reply to 255.255.255.255 / ff:ff:ff:ff:ff:ff (the client set the broadcast flag). */
  readonly broadcast?: boolean;
}

export function dhcp4Reply(p: Dhcp4ReplyParams): Uint8Array {
  const options: Dhcp4Option[] = [
    dhcp4Opt.messageType(p.messageType),
    dhcp4Opt.ipv4(dhcp4OptionCodes.serverId, p.serverIp),
  ];
  if (p.messageType !== dhcp4MessageTypes.nak) {
    options.push(dhcp4Opt.u32(dhcp4OptionCodes.leaseTime, p.leaseTimeSeconds ?? 3600));
    if (p.subnetMask !== undefined) options.push(dhcp4Opt.ipv4(dhcp4OptionCodes.subnetMask, p.subnetMask));
    if (p.router !== undefined) options.push(dhcp4Opt.ipv4List(dhcp4OptionCodes.router, [p.router]));
    if (p.dnsServers?.length) options.push(dhcp4Opt.ipv4List(dhcp4OptionCodes.dnsServers, p.dnsServers));
    if (p.mtu !== undefined) options.push(dhcp4Opt.u16(dhcp4OptionCodes.interfaceMtu, p.mtu));
    if (p.domainName !== undefined) options.push(dhcp4Opt.text(dhcp4OptionCodes.domainName, p.domainName));
  }
  const yiaddr = p.messageType === dhcp4MessageTypes.nak ? 0 : toIpv4(p.yiaddr);
  return buildFrame([
    { kind: 'ethernet', src: p.serverMac, dst: p.broadcast ? 'ff:ff:ff:ff:ff:ff' : p.clientMac },
    { kind: 'ipv4', src: p.serverIp, dst: p.broadcast || yiaddr === 0 ? '255.255.255.255' : yiaddr },
    { kind: 'udp' },
    {
      kind: 'dhcp4', op: dhcp4Ops.reply, xid: p.xid, chaddr: p.clientMac, yiaddr, siaddr: p.serverIp,
      flags: p.broadcast ? 0x8000 : 0, options,
    },
  ]);
}

export interface Dhcp6ReplyParams {
  readonly serverMac: MacLike;
  readonly serverIp: Ipv6Like;
  readonly clientMac: MacLike;
  readonly clientIp: Ipv6Like;
  /** dhcp6MessageTypes.advertise or .reply. */
  readonly msgType: number;
  readonly transactionId: number;
  /** The client's DUID, echoed from its Client Identifier option. */
  readonly clientDuid: Uint8Array;
  readonly iaid: number;
  readonly address: Ipv6Like;
  readonly preferredLifetimeSeconds?: number;
  readonly validLifetimeSeconds?: number;
  readonly dnsServers?: readonly Ipv6Like[];
}

export function dhcp6Reply(p: Dhcp6ReplyParams): Uint8Array {
  const preferred = p.preferredLifetimeSeconds ?? 3600;
  const valid = p.validLifetimeSeconds ?? 7200;
  const options: Dhcp6Option[] = [
    dhcp6Opt.duidLl(dhcp6OptionCodes.serverId, p.serverMac),
    { code: dhcp6OptionCodes.clientId, data: p.clientDuid },
    dhcp6Opt.iaNa(p.iaid, Math.floor(preferred / 2), Math.floor((preferred * 4) / 5), [dhcp6Opt.iaAddr(p.address, preferred, valid)]),
  ];
  if (p.dnsServers?.length) options.push(dhcp6Opt.ipv6List(dhcp6OptionCodes.dnsServers, p.dnsServers));
  return buildFrame([
    { kind: 'ethernet', src: p.serverMac, dst: p.clientMac },
    { kind: 'ipv6', src: p.serverIp, dst: p.clientIp },
    { kind: 'udp' },
    { kind: 'dhcp6', msgType: p.msgType, transactionId: p.transactionId, options },
  ]);
}

export interface RouterAdvertisementParams {
  readonly routerMac: MacLike;
  readonly routerIp: Ipv6Like;
  /** Defaults to all-nodes ff02::1 (unsolicited); a solicited RA may go to the soliciting host. */
  readonly dstMac?: MacLike;
  readonly dstIp?: Ipv6Like;
  readonly prefixes: readonly { readonly prefix: Ipv6Like; readonly length: number; readonly autonomous?: boolean }[];
  readonly mtu?: number;
  readonly managed?: boolean;
  readonly other?: boolean;
  readonly routerLifetimeSeconds?: number;
}

export function routerAdvertisement(p: RouterAdvertisementParams): Uint8Array {
  const options: NdOptionSpec[] = [{ kind: 'sll', mac: p.routerMac }];
  if (p.mtu !== undefined) options.push({ kind: 'mtu', mtu: p.mtu });
  for (const x of p.prefixes) {
    options.push({ kind: 'prefix', prefix: x.prefix, prefixLength: x.length, autonomous: x.autonomous ?? true });
  }
  return buildFrame([
    { kind: 'ethernet', src: p.routerMac, dst: p.dstMac ?? '33:33:00:00:00:01' },
    { kind: 'ipv6', src: p.routerIp, dst: p.dstIp ?? 'ff02::1', hopLimit: 255 },
    {
      kind: 'icmp6',
      message: {
        kind: 'ra', curHopLimit: 64, managed: p.managed ?? false, other: p.other ?? false,
        routerLifetime: p.routerLifetimeSeconds ?? 1800, options,
      },
    },
  ]);
}

export interface DnsResponseParams {
  readonly serverMac: MacLike;
  readonly serverIp: Ipv4Like;
  readonly clientMac: MacLike;
  readonly clientIp: Ipv4Like;
  readonly clientPort: number;
  readonly id: number;
  readonly question: { readonly name: string; readonly type: number };
  readonly answers: readonly DnsRecordSpec[];
  /** 0 = no error, 3 = NXDOMAIN. */
  readonly rcode?: number;
}

export function dnsResponse(p: DnsResponseParams): Uint8Array {
  return buildFrame([
    { kind: 'ethernet', src: p.serverMac, dst: p.clientMac },
    { kind: 'ipv4', src: p.serverIp, dst: p.clientIp },
    { kind: 'udp', srcPort: 53, dstPort: p.clientPort },
    {
      kind: 'dns', id: p.id, flags: { qr: true, aa: true, rd: true, ra: false, rcode: p.rcode ?? 0 },
      questions: [p.question], answers: p.answers,
    },
  ]);
}

export interface IcmpErrorParams {
  /** The offending Ethernet frame (its IP packet is quoted; the reply goes back to its source). */
  readonly original: Uint8Array;
  readonly routerMac: MacLike;
  readonly type: number;
  readonly code: number;
  /** ICMPv4 "fragmentation needed" / ICMPv6 "packet too big": the next-hop MTU. */
  readonly mtu?: number;
}

/** The original frame's source MAC and IP packet; asserts the caller handed an IPv4/IPv6 frame. */
function originalPacket(original: Uint8Array, wantType: number): { srcMac: Uint8Array; ip: Uint8Array } {
  const eth = readEthernet(original);
  assert(eth.ethType === wantType, () => `ICMP error: original frame has EtherType 0x${eth.ethType.toString(16)}`);
  return { srcMac: eth.src, ip: eth.payload };
}

export function icmp4Error(p: IcmpErrorParams & { readonly routerIp: Ipv4Like }): Uint8Array {
  const { srcMac, ip } = originalPacket(p.original, ethTypes.ipv4);
  assert(ip.length >= 20, 'ICMP error: original IPv4 header truncated');
  const headerLength = (ip[0]! & 0xf) * 4;
  const quoted = ip.subarray(0, Math.min(ip.length, headerLength + icmp4QuotedPayloadBytes));
  const layers: LayerSpec[] = [
    { kind: 'ethernet', src: p.routerMac, dst: srcMac },
    { kind: 'ipv4', src: p.routerIp, dst: readU32(ip, 12) },
    { kind: 'icmp4', type: p.type, code: p.code, restOfHeader: (p.mtu ?? 0) & 0xffff, body: quoted },
  ];
  return buildFrame(layers);
}

export function icmp6Error(p: IcmpErrorParams & { readonly routerIp: Ipv6Like }): Uint8Array {
  const { srcMac, ip } = originalPacket(p.original, ethTypes.ipv6);
  assert(ip.length >= 40, 'ICMPv6 error: original IPv6 header truncated');
  const room = ipv6MinMtuBytes - 40 - 8;
  const quoted = ip.subarray(0, Math.min(ip.length, room));
  const rest = p.type === icmp6Types.packetTooBig ? (p.mtu ?? ipv6MinMtuBytes) : 0;
  const body = new Uint8Array(4 + quoted.length);
  body[0] = (rest >>> 24) & 0xff;
  body[1] = (rest >>> 16) & 0xff;
  body[2] = (rest >>> 8) & 0xff;
  body[3] = rest & 0xff;
  body.set(quoted, 4);
  return buildFrame([
    { kind: 'ethernet', src: p.routerMac, dst: srcMac },
    { kind: 'ipv6', src: p.routerIp, dst: ip.slice(8, 24) },
    { kind: 'icmp6', type: p.type, code: p.code, body },
  ]);
}

