// IPv4 (RFC 791): header with options, fragmentation fields, header checksum.
import { Cursor, Writer } from './bytes';
import { internetChecksum } from './checksum';
import { toIpv4, type Ipv4Like } from './address';

const minHeaderBytes = 20;
export const ipv4OptionTypes = { end: 0, nop: 1, recordRoute: 7, timestamp: 68, routerAlert: 148 } as const;

export interface Ipv4Option {
  readonly type: number;
  /** Option data after the type and length bytes (empty for EOL/NOP). */
  readonly data: Uint8Array;
}

export interface Ipv4Packet {
  readonly kind: 'ipv4';
  readonly headerLength: number;
  /** The whole ToS byte: DSCP in the top 6 bits, ECN in the low 2. */
  readonly tos: number;
  readonly totalLength: number;
  readonly identification: number;
  /** The reserved flag bit (RFC 791 says zero; RFC 3514's "evil bit"): reported, not rejected. */
  readonly reservedFlag: boolean;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** In 8-byte units, as on the wire. */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly checksumValid: boolean;
  readonly src: number;
  readonly dst: number;
  readonly options: readonly Ipv4Option[];
  /** Exactly totalLength - headerLength bytes (Ethernet padding removed). */
  readonly payload: Uint8Array;
}

export function readIpv4(bytes: Uint8Array, base = 0): Ipv4Packet {
  const c = new Cursor(bytes, 'ipv4', base);
  c.need(minHeaderBytes, 'IPv4 header');
  const vihl = c.u8();
  if (vihl >>> 4 !== 4) c.error(`version ${vihl >>> 4}, want 4`, base);
  const headerLength = (vihl & 0xf) * 4;
  if (headerLength < minHeaderBytes) c.error(`IHL ${vihl & 0xf} below minimum 5`, base);
  const tos = c.u8();
  const totalLength = c.u16();
  if (totalLength < headerLength) c.error(`total length ${totalLength} < header length ${headerLength}`, base + 2);
  if (totalLength > bytes.length) {
    c.error(`truncated packet: total length ${totalLength}, ${bytes.length} bytes present`, base + 2);
  }
  const identification = c.u16();
  const fragWord = c.u16();
  const ttl = c.u8();
  const protocol = c.u8();
  const checksum = c.u16();
  const src = c.u32();
  const dst = c.u32();
  const optionBytes = c.take(headerLength - minHeaderBytes, 'IPv4 options');
  const header = bytes.subarray(0, headerLength);
  return {
    kind: 'ipv4',
    headerLength,
    tos,
    totalLength,
    identification,
    reservedFlag: (fragWord & 0x8000) !== 0,
    dontFragment: (fragWord & 0x4000) !== 0,
    moreFragments: (fragWord & 0x2000) !== 0,
    fragmentOffset: fragWord & 0x1fff,
    ttl,
    protocol,
    checksum,
    checksumValid: internetChecksum(header) === 0,
    src,
    dst,
    options: readOptions(optionBytes, base + minHeaderBytes),
    payload: bytes.subarray(headerLength, totalLength),
  };
}

function readOptions(bytes: Uint8Array, base: number): Ipv4Option[] {
  const out: Ipv4Option[] = [];
  const c = new Cursor(bytes, 'ipv4 option', base);
  while (c.remaining > 0) {
    const type = c.u8('option type');
    if (type === ipv4OptionTypes.end) break; // the rest is padding
    if (type === ipv4OptionTypes.nop) {
      out.push({ type, data: new Uint8Array(0) });
      continue;
    }
    const at = c.offset - 1;
    const length = c.u8('option length');
    if (length < 2) c.error(`option ${type} length ${length} < 2`, at);
    out.push({ type, data: c.take(length - 2, `option ${type} data`) });
  }
  return out;
}

export interface Ipv4Spec {
  readonly src: Ipv4Like;
  readonly dst: Ipv4Like;
  /** Defaults to the protocol implied by the next layer when built with buildFrame. */
  readonly protocol?: number;
  readonly ttl?: number;
  readonly tos?: number;
  readonly identification?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  readonly fragmentOffset?: number;
  readonly options?: readonly Ipv4Option[];
  /** Overrides the computed checksum (to build deliberately bad packets in tests). */
  readonly checksum?: number;
}

export function encodeIpv4(spec: Ipv4Spec, protocol: number, payload: Uint8Array): Uint8Array {
  const opts = new Writer();
  for (const o of spec.options ?? []) {
    if (o.type === ipv4OptionTypes.nop || o.type === ipv4OptionTypes.end) opts.u8(o.type);
    else opts.u8(o.type).u8(o.data.length + 2).bytes(o.data);
  }
  while (opts.length % 4 !== 0) opts.u8(ipv4OptionTypes.end);
  const headerLength = minHeaderBytes + opts.length;
  const frag =
    (spec.dontFragment ? 0x4000 : 0) | (spec.moreFragments ? 0x2000 : 0) | ((spec.fragmentOffset ?? 0) & 0x1fff);
  const w = new Writer()
    .u8(0x40 | (headerLength / 4)).u8(spec.tos ?? 0).u16(headerLength + payload.length)
    .u16(spec.identification ?? 0).u16(frag).u8(spec.ttl ?? 64).u8(protocol).u16(0)
    .u32(toIpv4(spec.src)).u32(toIpv4(spec.dst)).bytes(opts.finish());
  w.patchU16(10, spec.checksum ?? internetChecksum(w.finish()));
  return w.bytes(payload).finish();
}

