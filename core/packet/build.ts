// buildFrame: a frame from a list of layer specs, outermost first. Built inside out, so every layer knows its
// payload; lengths, the next-layer type fields (EtherType, IP protocol, default UDP ports) and checksums
// (with the pseudo-header of the nearest enclosing IP layer) are filled in from tables unless given.
import { assert, InvariantError } from '../util/assert';
import type { PseudoHeader } from './checksum';
import { toIpv4, toIpv6 } from './address';
import { encodeEthernet, ethTypes, type EthernetSpec } from './ethernet';
import { encodeArp, type ArpSpec } from './arp';
import { encodeIpv4, type Ipv4Spec } from './ipv4';
import { encodeIpv6, type Ipv6Spec } from './ipv6';
import { ipProtocols } from './ip-protocols';
import { encodeIcmp4, type Icmp4Spec } from './icmp4';
import { encodeIcmp6, type Icmp6Spec } from './icmp6';
import { encodeUdp, type UdpSpec } from './udp';
import { encodeTcp, type TcpSpec } from './tcp';
import { encodeSctp, type SctpSpec } from './sctp';
import { dhcp4Ops, encodeDhcp4, type Dhcp4Spec } from './dhcp4';
import { dhcp6MessageTypes, encodeDhcp6, type Dhcp6Spec } from './dhcp6';
import { encodeDns, type DnsSpec } from './dns';
import { encodeGeneve, genevePort, type GeneveSpec } from './geneve';

export type LayerSpec =
  | ({ readonly kind: 'ethernet' } & EthernetSpec)
  | ({ readonly kind: 'arp' } & ArpSpec)
  | ({ readonly kind: 'ipv4' } & Ipv4Spec)
  | ({ readonly kind: 'ipv6' } & Ipv6Spec)
  | ({ readonly kind: 'icmp4' } & Icmp4Spec)
  | ({ readonly kind: 'icmp6' } & Icmp6Spec)
  | ({ readonly kind: 'udp' } & UdpSpec)
  | ({ readonly kind: 'tcp' } & TcpSpec)
  | ({ readonly kind: 'sctp' } & SctpSpec)
  | ({ readonly kind: 'dhcp4' } & Dhcp4Spec)
  | ({ readonly kind: 'dhcp6' } & Dhcp6Spec)
  | ({ readonly kind: 'dns' } & DnsSpec)
  | ({ readonly kind: 'geneve' } & GeneveSpec)
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

type Kind = LayerSpec['kind'];

const ethTypeOf: Partial<Record<Kind, number>> = {
  arp: ethTypes.arp, ipv4: ethTypes.ipv4, ipv6: ethTypes.ipv6,
};
const ipProtocolOf: Partial<Record<Kind, number>> = {
  icmp4: ipProtocols.icmp, icmp6: ipProtocols.icmpv6, udp: ipProtocols.udp, tcp: ipProtocols.tcp, sctp: ipProtocols.sctp,
};
const ephemeralPort = 49152;
/** Default [source, destination] UDP ports for an application layer (client→server unless it is a reply). */
const udpPortsOf: { readonly [K in Kind]?: (spec: Extract<LayerSpec, { kind: K }>) => readonly [number, number] } = {
  dhcp4: (s) => (s.op === dhcp4Ops.reply ? [67, 68] : [68, 67]),
  dhcp6: (s) =>
    s.msgType === dhcp6MessageTypes.advertise || s.msgType === dhcp6MessageTypes.reply || s.msgType === dhcp6MessageTypes.relayReply
      ? [547, 546] : [546, 547],
  dns: (s) => (s.flags?.qr ? [53, ephemeralPort] : [ephemeralPort, 53]),
  geneve: () => [genevePort, genevePort],
};

function defaultPorts(next: LayerSpec | undefined): readonly [number, number] | undefined {
  if (!next) return undefined;
  const f = udpPortsOf[next.kind] as ((s: LayerSpec) => readonly [number, number]) | undefined;
  return f?.(next);
}

function pseudoFor(layers: readonly LayerSpec[], index: number): PseudoHeader {
  for (let i = index - 1; i >= 0; i--) {
    const l = layers[i]!;
    if (l.kind === 'ipv4') return { version: 4, src: toIpv4(l.src), dst: toIpv4(l.dst) };
    if (l.kind === 'ipv6') return { version: 6, src: toIpv6(l.src), dst: toIpv6(l.dst) };
  }
  throw new InvariantError(`layer ${index} (${layers[index]!.kind}) needs an enclosing IPv4/IPv6 layer for its checksum`);
}

function typeFrom(table: Partial<Record<Kind, number>>, next: LayerSpec | undefined, given: number | undefined, what: string): number {
  if (given !== undefined) return given;
  const t = next ? table[next.kind] : undefined;
  assert(t !== undefined, () => `${what} not given and not implied by next layer ${next?.kind ?? '(none)'}`);
  return t;
}

export function buildFrame(layers: readonly LayerSpec[]): Uint8Array {
  let payload: Uint8Array = new Uint8Array(0);
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const next = layers[i + 1];
    switch (l.kind) {
      case 'ethernet':
        payload = encodeEthernet(l, typeFrom(ethTypeOf, next, l.ethType, 'EtherType'), payload);
        break;
      case 'arp':
        payload = encodeArp(l);
        break;
      case 'ipv4':
        payload = encodeIpv4(l, typeFrom(ipProtocolOf, next, l.protocol, 'IP protocol'), payload);
        break;
      case 'ipv6':
        payload = encodeIpv6(l, typeFrom(ipProtocolOf, next, l.protocol, 'IPv6 next header'), payload);
        break;
      case 'icmp4':
        payload = encodeIcmp4(l.body === undefined && payload.length ? { ...l, body: payload } : l);
        break;
      case 'icmp6':
        payload = encodeIcmp6(l, pseudoFor(layers, i));
        break;
      case 'udp': {
        const ports = defaultPorts(next);
        const src = l.srcPort ?? ports?.[0];
        const dst = l.dstPort ?? ports?.[1];
        assert(src !== undefined && dst !== undefined, () => `UDP ports not given and not implied by ${next?.kind ?? '(none)'}`);
        payload = encodeUdp(l, src, dst, payload, pseudoFor(layers, i));
        break;
      }
      case 'tcp':
        payload = encodeTcp(l, payload, pseudoFor(layers, i));
        break;
      case 'sctp':
        payload = encodeSctp(l);
        break;
      case 'dhcp4':
        payload = encodeDhcp4(l);
        break;
      case 'dhcp6':
        payload = encodeDhcp6(l);
        break;
      case 'dns':
        payload = encodeDns(l);
        break;
      case 'geneve':
        payload = encodeGeneve(l, payload);
        break;
      case 'raw':
        payload = l.bytes;
        break;
    }
  }
  return payload;
}
