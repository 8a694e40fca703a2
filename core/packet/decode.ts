// Whole-frame decoding: Ethernet, then L3 by EtherType, L4 by IP protocol, application by UDP port, and a
// Geneve payload recursively, each step looked up in a table of decoders. decodeFrame is tolerant (it keeps
// the layers that decoded and records the first failure); parseFrame is strict (any malformed layer or bad
// checksum is an error). Neither throws on malformed input. (Switch-style flow extraction: flow-key.ts.)
import { attempt, PacketError, type ParseFailure, type Parsed } from './bytes';
import type { PseudoHeader } from './checksum';
import { ethTypes, readEthernet, type EthernetFrame } from './ethernet';
import { readArp, type ArpPacket } from './arp';
import { readIpv4, type Ipv4Packet } from './ipv4';
import { readIpv6, type Ipv6Packet } from './ipv6';
import { ipProtocols } from './ip-protocols';
import { readIcmp4, type Icmp4Packet } from './icmp4';
import { readIcmp6, type Icmp6Packet } from './icmp6';
import { readUdp, type UdpPacket } from './udp';
import { readTcp, type TcpPacket } from './tcp';
import { readSctp, type SctpPacket } from './sctp';
import { readDhcp4, type Dhcp4Message } from './dhcp4';
import { readDhcp6, type Dhcp6Message } from './dhcp6';
import { readDns, type DnsMessage } from './dns';
import { genevePort, readGeneve, type GenevePacket } from './geneve';

export type L3Packet = ArpPacket | Ipv4Packet | Ipv6Packet;
export type L4Packet = Icmp4Packet | Icmp6Packet | UdpPacket | TcpPacket | SctpPacket;
export type AppMessage = Dhcp4Message | Dhcp6Message | DnsMessage | GenevePacket;

export interface DecodedFrame {
  readonly eth: EthernetFrame;
  readonly l3?: L3Packet;
  readonly l4?: L4Packet;
  readonly app?: AppMessage;
  /** The Ethernet frame inside a Geneve payload. */
  readonly inner?: DecodedFrame;
  /** Absolute offsets of each decoded layer's first byte. */
  readonly offsets: { readonly l3?: number; readonly l4?: number; readonly app?: number };
  /** The first layer that failed to decode; the layers above it are absent. */
  readonly error?: ParseFailure;
}

/** Nested Geneve-in-Geneve deeper than this is left undecoded (an error in strict parsing). */
export const maxEncapsulationLevelsCount = 3;

type L3Reader = (bytes: Uint8Array, base: number) => L3Packet;
type L4Reader = (bytes: Uint8Array, base: number, pseudo: PseudoHeader) => L4Packet;
type AppReader = (bytes: Uint8Array, base: number) => AppMessage;

export const l3Decoders: ReadonlyMap<number, L3Reader> = new Map<number, L3Reader>([
  [ethTypes.ipv4, readIpv4],
  [ethTypes.ipv6, readIpv6],
  [ethTypes.arp, readArp],
]);

/** Keyed by "v4:proto" / "v6:proto": ICMP differs by IP version. */
export const l4Decoders: ReadonlyMap<string, L4Reader> = new Map<string, L4Reader>([
  [`4:${ipProtocols.icmp}`, (b, base) => readIcmp4(b, base)],
  [`6:${ipProtocols.icmpv6}`, readIcmp6],
  [`4:${ipProtocols.udp}`, readUdp],
  [`6:${ipProtocols.udp}`, readUdp],
  [`4:${ipProtocols.tcp}`, readTcp],
  [`6:${ipProtocols.tcp}`, readTcp],
  [`4:${ipProtocols.sctp}`, (b, base) => readSctp(b, base)],
  [`6:${ipProtocols.sctp}`, (b, base) => readSctp(b, base)],
]);

/** Well-known UDP ports (destination looked up first, then source). */
export const udpAppDecoders: ReadonlyMap<number, AppReader> = new Map<number, AppReader>([
  [67, readDhcp4],
  [68, readDhcp4],
  [546, readDhcp6],
  [547, readDhcp6],
  [53, readDns],
  [genevePort, readGeneve],
]);

function tryLayer<T>(read: () => T): { value?: T; error?: ParseFailure } {
  const r = attempt(read);
  return r.ok ? { value: r.value } : { error: r.error };
}

function pseudoOf(l3: Ipv4Packet | Ipv6Packet): PseudoHeader {
  return l3.kind === 'ipv4' ? { version: 4, src: l3.src, dst: l3.dst } : { version: 6, src: l3.src, dst: l3.dst };
}

/** Whether the IP packet's payload starts with an L4 header (not a later fragment). */
function carriesL4Header(l3: Ipv4Packet | Ipv6Packet): boolean {
  return l3.kind === 'ipv4' ? l3.fragmentOffset === 0 : (l3.fragment?.offset ?? 0) === 0;
}

function decodeAt(bytes: Uint8Array, base: number, depth: number): Parsed<DecodedFrame> {
  const ethR = attempt(() => readEthernet(bytes, base));
  if (!ethR.ok) return ethR;
  const eth = ethR.value;
  const offsets: { l3?: number; l4?: number; app?: number } = {};
  const done = (rest: Omit<DecodedFrame, 'eth' | 'offsets'>): Parsed<DecodedFrame> => ({ ok: true, value: { eth, offsets, ...rest } });

  const l3Reader = l3Decoders.get(eth.ethType);
  if (!l3Reader) return done({});
  offsets.l3 = base + eth.headerLength;
  const l3r = tryLayer(() => l3Reader(eth.payload, offsets.l3!));
  if (!l3r.value) return done({ error: l3r.error! });
  const l3 = l3r.value;
  if (l3.kind === 'arp' || !carriesL4Header(l3)) return done({ l3 });

  const l4Reader = l4Decoders.get(`${l3.kind === 'ipv4' ? 4 : 6}:${l3.protocol}`);
  if (!l4Reader) return done({ l3 });
  offsets.l4 = offsets.l3 + l3.headerLength;
  const l4r = tryLayer(() => l4Reader(l3.payload, offsets.l4!, pseudoOf(l3)));
  if (!l4r.value) return done({ l3, error: l4r.error! });
  const l4 = l4r.value;
  if (l4.kind !== 'udp') return done({ l3, l4 });

  const appReader = udpAppDecoders.get(l4.dstPort) ?? udpAppDecoders.get(l4.srcPort);
  if (!appReader) return done({ l3, l4 });
  offsets.app = offsets.l4 + 8;
  const appR = tryLayer(() => appReader(l4.payload, offsets.app!));
  if (!appR.value) return done({ l3, l4, error: appR.error! });
  const app = appR.value;
  if (app.kind !== 'geneve' || app.protocolType !== ethTypes.transparentEthernet) return done({ l3, l4, app });
  if (depth >= maxEncapsulationLevelsCount) {
    return done({ l3, l4, app, error: { layer: 'geneve', offset: offsets.app, message: `geneve: encapsulation deeper than ${maxEncapsulationLevelsCount}` } });
  }
  const innerR = decodeAt(app.payload, offsets.app + app.headerLength, depth + 1);
  if (!innerR.ok) return done({ l3, l4, app, error: innerR.error });
  return done({ l3, l4, app, inner: innerR.value, ...(innerR.value.error ? { error: innerR.value.error } : {}) });
}

/** Tolerant decode: fails only if the Ethernet header itself is malformed. Never throws on bad input. */
export function decodeFrame(bytes: Uint8Array): Parsed<DecodedFrame> {
  return decodeAt(bytes, 0, 0);
}

interface Checked {
  readonly kind: string;
  readonly checksum?: number;
  readonly checksumValid?: boolean;
}

/** Strict decode: any malformed layer, or a checksum that does not verify, is an error. */
export function parseFrame(bytes: Uint8Array): Parsed<DecodedFrame> {
  const r = decodeFrame(bytes);
  if (!r.ok) return r;
  if (r.value.error) return { ok: false, error: r.value.error };
  for (let f: DecodedFrame | undefined = r.value; f; f = f.inner) {
    const layers: Array<[Checked | undefined, number | undefined]> = [[f.l3, f.offsets.l3], [f.l4, f.offsets.l4]];
    for (const [layer, offset] of layers) {
      if (layer && layer.checksumValid === false) {
        const e = new PacketError(layer.kind, offset ?? 0, `bad checksum 0x${(layer.checksum ?? 0).toString(16).padStart(4, '0')}`);
        return { ok: false, error: { layer: e.layer, offset: e.offset, message: e.message } };
      }
    }
  }
  return r;
}
