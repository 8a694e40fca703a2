// The L3 and L4 steps of flow-key extraction, one small extractor per EtherType and IP protocol, each
// applying ovs-vswitchd's sanity rules: what it requires before it reads a field, and which fields are left
// 0 when a header is cut short. (Field meanings: flow-key.ts.)
import { bytesToBigint } from './address';
import { readU16, readU32 } from './bytes';
import { ipProtocols } from './ip-protocols';
import type { FlowKey } from './flow-key';

export type MutableFlowKey = { -readonly [K in keyof FlowKey]: FlowKey[K] };
type Extractor = (bytes: Uint8Array, k: MutableFlowKey) => void;

const fragAny = 1;
const fragLater = 2;
const ipv4HeaderBytes = 20;
const ipv6HeaderBytes = 40;
const arpEthernetIpv4Bytes = 28;
/** Bound on IPv6 extension headers walked (each is ≥ 8 bytes, so a frame bounds it too). */
export const maxFlowExtensionHeadersCount = 32;
const ipv4MfFlag = 0x2000;
const ipv4OffsetMask = 0x1fff;

function extractArp(b: Uint8Array, k: MutableFlowKey): void {
  k.arp_op = k.nw_proto = k.arp_spa = k.arp_tpa = 0;
  k.arp_sha = k.arp_tha = 0n;
  if (b.length < arpEthernetIpv4Bytes) return;
  if (readU16(b, 0) !== 1 || readU16(b, 2) !== 0x0800 || b[4] !== 6 || b[5] !== 4) return;
  const op = readU16(b, 6);
  if (op <= 0xff) {
    k.arp_op = op; // OVS keeps only an 8-bit opcode (it shares nw_proto's slot)
    k.nw_proto = op;
  }
  k.arp_sha = bytesToBigint(b.subarray(8, 14));
  k.arp_spa = readU32(b, 14);
  k.arp_tha = bytesToBigint(b.subarray(18, 24));
  k.arp_tpa = readU32(b, 24);
}

function setIpCommon(k: MutableFlowKey, tos: number, ttl: number, proto: number, frag: number): void {
  k.nw_tos = tos & 0xfc;
  k.ip_dscp = tos >>> 2;
  k.ip_ecn = tos & 3;
  k.nw_ttl = ttl;
  k.nw_proto = proto;
  k.ip_frag = frag;
}

function extractIpv4(b: Uint8Array, k: MutableFlowKey): void {
  k.ip_src = k.ip_dst = 0;
  setIpCommon(k, 0, 0, 0, 0);
  // OVS checks lengths only: not the version, options or reserved flag.
  if (b.length < ipv4HeaderBytes) return;
  const headerLength = (b[0]! & 0xf) * 4;
  const totalLength = readU16(b, 2);
  if (headerLength < ipv4HeaderBytes || b.length < headerLength || totalLength > b.length || headerLength > totalLength) return;
  k.ip_src = readU32(b, 12);
  k.ip_dst = readU32(b, 16);
  const fragWord = readU16(b, 6);
  const frag = fragWord & (ipv4MfFlag | ipv4OffsetMask) ? fragAny | (fragWord & ipv4OffsetMask ? fragLater : 0) : 0;
  const proto = b[9]!;
  setIpCommon(k, b[1]!, b[8]!, proto, frag);
  if (frag & fragLater) return;
  l4Extractors.get(`4:${proto}`)?.(b.subarray(headerLength, totalLength), k);
}

function extractIpv6(b: Uint8Array, k: MutableFlowKey): void {
  k.ipv6_src = k.ipv6_dst = 0n;
  k.ipv6_label = 0;
  setIpCommon(k, 0, 0, 0, 0);
  if (b.length < ipv6HeaderBytes) return;
  const payloadLength = readU16(b, 4);
  if (ipv6HeaderBytes + payloadLength > b.length) return; // OVS does not check the version either
  k.ipv6_src = bytesToBigint(b.subarray(8, 24));
  k.ipv6_dst = bytesToBigint(b.subarray(24, 40));
  let proto = b[6]!;
  let frag = 0;
  let at = ipv6HeaderBytes;
  const end = ipv6HeaderBytes + payloadLength;
  for (let n = 0; ; n++) {
    if (n >= maxFlowExtensionHeadersCount) return; // treated like a malformed chain
    if (proto !== ipProtocols.hopByHop && proto !== ipProtocols.ipv6DestOpts && proto !== ipProtocols.ipv6Routing &&
        proto !== ipProtocols.ah && proto !== ipProtocols.ipv6Fragment) break;
    // A malformed chain leaves only the addresses set (OVS stops before the other IPv6 fields).
    if (end - at < 8) return;
    const next = b[at]!;
    let length: number;
    if (proto === ipProtocols.ipv6Fragment) {
      length = 8;
      const offlg = readU16(b, at + 2);
      if (offlg !== 0) {
        frag = fragAny;
        if (offlg & 0xfff8) {
          frag |= fragLater;
          proto = ipProtocols.ipv6Fragment; // OVS reports the fragment header itself
          break;
        }
      }
    } else {
      length = proto === ipProtocols.ah ? (b[at + 1]! + 2) * 4 : (b[at + 1]! + 1) * 8;
    }
    if (end - at < length) return;
    proto = next;
    at += length;
  }
  const tclass = (readU32(b, 0) >>> 20) & 0xff;
  k.ipv6_label = readU32(b, 0) & 0xfffff;
  setIpCommon(k, tclass, b[7]!, proto, frag);
  if (frag & fragLater) return;
  l4Extractors.get(`6:${proto}`)?.(b.subarray(at, end), k);
}

function ports(prefix: 'tcp' | 'udp' | 'sctp', minBytes: number): Extractor {
  return (b, k) => {
    const ok = b.length >= minBytes;
    k[`${prefix}_src`] = ok ? readU16(b, 0) : 0;
    k[`${prefix}_dst`] = ok ? readU16(b, 2) : 0;
  };
}

function extractTcp(b: Uint8Array, k: MutableFlowKey): void {
  const headerLength = b.length >= 20 ? (b[12]! >>> 4) * 4 : 0;
  const ok = headerLength >= 20 && b.length >= headerLength;
  k.tcp_src = ok ? readU16(b, 0) : 0;
  k.tcp_dst = ok ? readU16(b, 2) : 0;
  k.tcp_flags = ok ? readU16(b, 12) & 0xfff : 0;
}

function extractIcmp4(b: Uint8Array, k: MutableFlowKey): void {
  const ok = b.length >= 4;
  k.icmp_type = ok ? b[0]! : 0;
  k.icmp_code = ok ? b[1]! : 0;
}

const ndOptSll = 1;
const ndOptTll = 2;

function extractIcmp6(b: Uint8Array, k: MutableFlowKey): void {
  // OVS needs the 8-byte ICMPv6 header (type, code, checksum, 4 data bytes).
  const ok = b.length >= 8;
  const type = ok ? b[0]! : 0;
  const code = ok ? b[1]! : 0;
  k.icmpv6_type = type;
  k.icmpv6_code = code;
  if (!ok || code !== 0 || (type !== 135 && type !== 136)) return;
  k.nd_target = 0n;
  k.nd_sll = 0n;
  k.nd_tll = 0n;
  if (b.length < 8 + 16) return;
  let target = bytesToBigint(b.subarray(8, 24));
  let sll = 0n;
  let tll = 0n;
  // Options: stop quietly at a zero or overlong length; a second non-zero SLL/TLL voids all ND fields.
  for (let at = 24; b.length - at >= 8; ) {
    const len = b[at + 1]! * 8;
    if (len === 0 || len > b.length - at) break;
    const optType = b[at]!;
    if ((optType === ndOptSll || optType === ndOptTll) && len === 8) {
      const mac = bytesToBigint(b.subarray(at + 2, at + 8));
      const seen = optType === ndOptSll ? sll : tll;
      if (seen !== 0n) {
        target = sll = tll = 0n;
        break;
      }
      if (optType === ndOptSll) sll = mac;
      else tll = mac;
    }
    at += len;
  }
  k.nd_target = target;
  k.nd_sll = sll;
  k.nd_tll = tll;
}

export const l3Extractors: ReadonlyMap<number, Extractor> = new Map<number, Extractor>([
  [0x0800, extractIpv4],
  [0x86dd, extractIpv6],
  [0x0806, extractArp],
  [0x8035, extractArp], // RARP is classified as ARP
]);

/** Keyed by "version:protocol". */
export const l4Extractors: ReadonlyMap<string, Extractor> = new Map<string, Extractor>([
  [`4:${ipProtocols.tcp}`, extractTcp],
  [`6:${ipProtocols.tcp}`, extractTcp],
  [`4:${ipProtocols.udp}`, ports('udp', 8)],
  [`6:${ipProtocols.udp}`, ports('udp', 8)],
  [`4:${ipProtocols.sctp}`, ports('sctp', 12)],
  [`6:${ipProtocols.sctp}`, ports('sctp', 12)],
  [`4:${ipProtocols.icmp}`, extractIcmp4],
  [`6:${ipProtocols.icmpv6}`, extractIcmp6],
]);
