// Ready-made frames for tests and simulated hosts: one call per everyday packet (ARP request/reply, ICMP
// echo, IPv6 ND, DHCP discover/request, DNS query, Geneve encapsulation with OVN's option).
import { broadcastMac, ipv6MulticastMac, solicitedNodeAddress, toIpv6, type Ipv4Like, type Ipv6Like, type MacLike } from './address';
import { arpOps } from './arp';
import { buildFrame, type LayerSpec } from './build';
import { dhcp4MessageTypes, dhcp4OptionCodes, dhcp4Ops, dhcp4Opt, type Dhcp4Option } from './dhcp4';
import { dnsTypes } from './dns';
import { ovnGeneveOption, type OvnTunnelPorts } from './geneve';
import { icmp4Types } from './icmp4';
import { assert } from '../util/assert';

export interface L2Endpoints {
  readonly srcMac: MacLike;
  readonly dstMac: MacLike;
  readonly vlan?: number;
}

function eth(e: L2Endpoints): LayerSpec {
  return { kind: 'ethernet', src: e.srcMac, dst: e.dstMac, ...(e.vlan !== undefined ? { vlans: [{ vid: e.vlan }] } : {}) };
}

export function arpRequest(o: { srcMac: MacLike; srcIp: Ipv4Like; targetIp: Ipv4Like; vlan?: number }): Uint8Array {
  return buildFrame([
    eth({ srcMac: o.srcMac, dstMac: broadcastMac, ...(o.vlan !== undefined ? { vlan: o.vlan } : {}) }),
    { kind: 'arp', op: arpOps.request, sha: o.srcMac, spa: o.srcIp, tpa: o.targetIp },
  ]);
}

export function arpReply(o: { srcMac: MacLike; srcIp: Ipv4Like; dstMac: MacLike; dstIp: Ipv4Like }): Uint8Array {
  return buildFrame([
    eth({ srcMac: o.srcMac, dstMac: o.dstMac }),
    { kind: 'arp', op: arpOps.reply, sha: o.srcMac, spa: o.srcIp, tha: o.dstMac, tpa: o.dstIp },
  ]);
}

export interface Ipv4Endpoints extends L2Endpoints {
  readonly srcIp: Ipv4Like;
  readonly dstIp: Ipv4Like;
  readonly ttl?: number;
}

export function icmp4Echo(
  o: Ipv4Endpoints & { identifier: number; sequence: number; reply?: boolean; data?: Uint8Array },
): Uint8Array {
  return buildFrame([
    eth(o),
    { kind: 'ipv4', src: o.srcIp, dst: o.dstIp, ttl: o.ttl ?? 64, dontFragment: true },
    {
      kind: 'icmp4', type: o.reply ? icmp4Types.echoReply : icmp4Types.echoRequest,
      echo: { identifier: o.identifier, sequence: o.sequence }, body: o.data ?? new Uint8Array(56),
    },
  ]);
}

export function udp4(o: Ipv4Endpoints & { srcPort: number; dstPort: number; data: Uint8Array }): Uint8Array {
  return buildFrame([
    eth(o),
    { kind: 'ipv4', src: o.srcIp, dst: o.dstIp, ttl: o.ttl ?? 64 },
    { kind: 'udp', srcPort: o.srcPort, dstPort: o.dstPort },
    { kind: 'raw', bytes: o.data },
  ]);
}

export function tcp4(o: Ipv4Endpoints & { srcPort: number; dstPort: number; flags: number; seq?: number; ack?: number; data?: Uint8Array }): Uint8Array {
  return buildFrame([
    eth(o),
    { kind: 'ipv4', src: o.srcIp, dst: o.dstIp, ttl: o.ttl ?? 64 },
    { kind: 'tcp', srcPort: o.srcPort, dstPort: o.dstPort, flags: o.flags, seq: o.seq ?? 0, ack: o.ack ?? 0 },
    { kind: 'raw', bytes: o.data ?? new Uint8Array(0) },
  ]);
}

export function icmp6Echo(
  o: L2Endpoints & { srcIp: Ipv6Like; dstIp: Ipv6Like; identifier: number; sequence: number; reply?: boolean },
): Uint8Array {
  return buildFrame([
    eth(o),
    { kind: 'ipv6', src: o.srcIp, dst: o.dstIp },
    { kind: 'icmp6', message: { kind: o.reply ? 'echo-reply' : 'echo-request', identifier: o.identifier, sequence: o.sequence } },
  ]);
}

/** NS for `targetIp` to its solicited-node multicast group, with a source link-layer address option. */
export function neighborSolicitation(o: { srcMac: MacLike; srcIp: Ipv6Like; targetIp: Ipv6Like }): Uint8Array {
  const group = solicitedNodeAddress(toIpv6(o.targetIp));
  return buildFrame([
    { kind: 'ethernet', src: o.srcMac, dst: ipv6MulticastMac(group) },
    { kind: 'ipv6', src: o.srcIp, dst: group, hopLimit: 255 },
    { kind: 'icmp6', message: { kind: 'ns', target: o.targetIp, options: [{ kind: 'sll', mac: o.srcMac }] } },
  ]);
}

/** Solicited NA answering `dstIp`/`dstMac` for `targetIp` owned by `srcMac`. */
export function neighborAdvertisement(
  o: { srcMac: MacLike; srcIp: Ipv6Like; dstMac: MacLike; dstIp: Ipv6Like; targetIp?: Ipv6Like; router?: boolean },
): Uint8Array {
  return buildFrame([
    { kind: 'ethernet', src: o.srcMac, dst: o.dstMac },
    { kind: 'ipv6', src: o.srcIp, dst: o.dstIp, hopLimit: 255 },
    {
      kind: 'icmp6',
      message: {
        kind: 'na', target: o.targetIp ?? o.srcIp, router: o.router ?? false, solicited: true, override: true,
        options: [{ kind: 'tll', mac: o.srcMac }],
      },
    },
  ]);
}

export function routerSolicitation(o: { srcMac: MacLike; srcIp: Ipv6Like }): Uint8Array {
  return buildFrame([
    { kind: 'ethernet', src: o.srcMac, dst: '33:33:00:00:00:02' },
    { kind: 'ipv6', src: o.srcIp, dst: 'ff02::2', hopLimit: 255 },
    { kind: 'icmp6', message: { kind: 'rs', options: [{ kind: 'sll', mac: o.srcMac }] } },
  ]);
}

const defaultDhcpParams = [
  dhcp4OptionCodes.subnetMask, dhcp4OptionCodes.router, dhcp4OptionCodes.dnsServers, dhcp4OptionCodes.domainName,
  dhcp4OptionCodes.interfaceMtu, dhcp4OptionCodes.classlessStaticRoute,
];

function dhcp4Client(mac: MacLike, xid: number, options: Dhcp4Option[]): Uint8Array {
  return buildFrame([
    { kind: 'ethernet', src: mac, dst: broadcastMac },
    { kind: 'ipv4', src: '0.0.0.0', dst: '255.255.255.255', ttl: 64 },
    { kind: 'udp' },
    { kind: 'dhcp4', op: dhcp4Ops.request, xid, chaddr: mac, flags: 0, options },
  ]);
}

export function dhcp4Discover(o: { mac: MacLike; xid: number; hostname?: string }): Uint8Array {
  return dhcp4Client(o.mac, o.xid, [
    dhcp4Opt.messageType(dhcp4MessageTypes.discover),
    dhcp4Opt.bytes(dhcp4OptionCodes.paramRequestList, defaultDhcpParams),
    ...(o.hostname ? [dhcp4Opt.text(dhcp4OptionCodes.hostname, o.hostname)] : []),
  ]);
}

export function dhcp4Request(o: { mac: MacLike; xid: number; requestedIp: Ipv4Like; serverId: Ipv4Like }): Uint8Array {
  return dhcp4Client(o.mac, o.xid, [
    dhcp4Opt.messageType(dhcp4MessageTypes.request),
    dhcp4Opt.ipv4(dhcp4OptionCodes.requestedIp, o.requestedIp),
    dhcp4Opt.ipv4(dhcp4OptionCodes.serverId, o.serverId),
    dhcp4Opt.bytes(dhcp4OptionCodes.paramRequestList, defaultDhcpParams),
  ]);
}

export function dnsQuery(o: Ipv4Endpoints & { id: number; name: string; type?: number }): Uint8Array {
  return buildFrame([
    eth(o),
    { kind: 'ipv4', src: o.srcIp, dst: o.dstIp },
    { kind: 'udp' },
    { kind: 'dns', id: o.id, questions: [{ name: o.name, type: o.type ?? dnsTypes.a }] },
  ]);
}

/** An inner Ethernet frame wrapped in Ethernet/IP/UDP(6081)/Geneve with the VNI and OVN's port option,
 * laid out as ovs-vswitchd's userspace tunnels encapsulate by default: over IPv4 DF set, TTL 64, IP id 0
 * and UDP checksum 0; over IPv6 hop limit 64 and a computed UDP checksum. `udpChecksum` overrides the
 * checksum choice (the tunnel option csum). The underlay is IPv6 when the addresses are IPv6. */
export function geneveEncapsulate(
  o: L2Endpoints & {
    srcIp: Ipv4Like | Ipv6Like; dstIp: Ipv4Like | Ipv6Like; srcPort?: number; vni: number; ports: OvnTunnelPorts;
    inner: Uint8Array; udpChecksum?: boolean;
  },
): Uint8Array {
  const v6 = isIpv6(o.srcIp);
  assert(v6 === isIpv6(o.dstIp), 'geneveEncapsulate: source and destination must be the same IP version');
  const ip: LayerSpec = v6
    ? { kind: 'ipv6', src: o.srcIp as Ipv6Like, dst: o.dstIp as Ipv6Like, hopLimit: 64 }
    : { kind: 'ipv4', src: o.srcIp as Ipv4Like, dst: o.dstIp as Ipv4Like, ttl: 64, dontFragment: true };
  return buildFrame([
    eth(o),
    ip,
    { kind: 'udp', ...(o.srcPort !== undefined ? { srcPort: o.srcPort } : {}), dstPort: 6081, noChecksum: !(o.udpChecksum ?? v6) },
    { kind: 'geneve', vni: o.vni, options: [ovnGeneveOption(o.ports)] },
    { kind: 'raw', bytes: o.inner },
  ]);
}

function isIpv6(a: Ipv4Like | Ipv6Like): boolean {
  return typeof a === 'string' ? a.includes(':') : typeof a !== 'number';
}
