// TCP header (RFC 9293) with options and the pseudo-header checksum.
import { Cursor, Writer } from './bytes';
import { l4Checksum, type PseudoHeader } from './checksum';
import { ipProtocols } from './ip-protocols';

const minHeaderBytes = 20;

/** Bits of the 12-bit flags field, as OVS's tcp_flags numbers them. */
export const tcpFlags = {
  fin: 0x001, syn: 0x002, rst: 0x004, psh: 0x008, ack: 0x010, urg: 0x020, ece: 0x040, cwr: 0x080, ns: 0x100,
} as const;

export const tcpOptionKinds = { end: 0, nop: 1, mss: 2, windowScale: 3, sackPermitted: 4, sack: 5, timestamp: 8 } as const;

export interface TcpOption {
  readonly kind: number;
  readonly data: Uint8Array;
}

export interface TcpPacket {
  readonly kind: 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly headerLength: number;
  /** Low 12 bits of the data-offset word (see tcpFlags). */
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  /** True when the checksum verifies or no pseudo-header was given to check it. */
  readonly checksumValid: boolean;
  readonly urgentPointer: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
}

export function readTcp(bytes: Uint8Array, base = 0, pseudo?: PseudoHeader): TcpPacket {
  const c = new Cursor(bytes, 'tcp', base);
  c.need(minHeaderBytes, 'TCP header');
  const srcPort = c.u16();
  const dstPort = c.u16();
  const seq = c.u32();
  const ack = c.u32();
  const offFlags = c.u16();
  const headerLength = (offFlags >>> 12) * 4;
  if (headerLength < minHeaderBytes) c.error(`data offset ${offFlags >>> 12} below minimum 5`, base + 12);
  const window = c.u16();
  const checksum = c.u16();
  const urgentPointer = c.u16();
  const optionBytes = c.take(headerLength - minHeaderBytes, 'TCP options');
  return {
    kind: 'tcp',
    srcPort,
    dstPort,
    seq,
    ack,
    headerLength,
    flags: offFlags & 0xfff,
    window,
    checksum,
    checksumValid: pseudo ? l4Checksum(pseudo, ipProtocols.tcp, bytes) === 0 : true,
    urgentPointer,
    options: readOptions(optionBytes, base + minHeaderBytes),
    payload: c.rest(),
  };
}

function readOptions(bytes: Uint8Array, base: number): TcpOption[] {
  const out: TcpOption[] = [];
  const c = new Cursor(bytes, 'tcp option', base);
  while (c.remaining > 0) {
    const kind = c.u8('option kind');
    if (kind === tcpOptionKinds.end) break;
    if (kind === tcpOptionKinds.nop) continue;
    const at = c.offset - 1;
    const length = c.u8('option length');
    if (length < 2) c.error(`option ${kind} length ${length} < 2`, at);
    out.push({ kind, data: c.take(length - 2, `option ${kind} data`) });
  }
  return out;
}

export interface TcpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly flags?: number;
  readonly window?: number;
  readonly urgentPointer?: number;
  readonly options?: readonly TcpOption[];
  readonly checksum?: number;
}

export function encodeTcp(spec: TcpSpec, payload: Uint8Array, pseudo: PseudoHeader): Uint8Array {
  const opts = new Writer();
  for (const o of spec.options ?? []) opts.u8(o.kind).u8(o.data.length + 2).bytes(o.data);
  while (opts.length % 4 !== 0) opts.u8(tcpOptionKinds.end);
  const headerLength = minHeaderBytes + opts.length;
  const w = new Writer()
    .u16(spec.srcPort).u16(spec.dstPort).u32(spec.seq ?? 0).u32(spec.ack ?? 0)
    .u16(((headerLength / 4) << 12) | ((spec.flags ?? 0) & 0xfff)).u16(spec.window ?? 65535).u16(0)
    .u16(spec.urgentPointer ?? 0).bytes(opts.finish()).bytes(payload);
  w.patchU16(16, spec.checksum ?? l4Checksum(pseudo, ipProtocols.tcp, w.finish()));
  return w.finish();
}
