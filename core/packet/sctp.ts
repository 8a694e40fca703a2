// SCTP (RFC 9260): common header, chunk list, CRC32c checksum (stored least-significant byte first, as
// RFC 9260 appendix A's reflected CRC is transmitted).
import { Cursor, Writer } from './bytes';
import { crc32c } from './checksum';

const commonHeaderBytes = 12;
/** Bound on chunks parsed from one packet. */
export const maxChunksCount = 256;

export const sctpChunkTypes = { data: 0, init: 1, initAck: 2, sack: 3, heartbeat: 4, abort: 6, shutdown: 7 } as const;

export interface SctpChunk {
  readonly type: number;
  readonly flags: number;
  /** Chunk value without padding (length field minus 4). */
  readonly value: Uint8Array;
}

export interface SctpPacket {
  readonly kind: 'sctp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
  readonly checksum: number;
  readonly checksumValid: boolean;
  readonly chunks: readonly SctpChunk[];
}

function sctpCrc(packet: Uint8Array): number {
  const copy = packet.slice();
  copy.fill(0, 8, 12);
  return crc32c(copy);
}

export function readSctp(bytes: Uint8Array, base = 0): SctpPacket {
  const c = new Cursor(bytes, 'sctp', base);
  c.need(commonHeaderBytes, 'SCTP common header');
  const srcPort = c.u16();
  const dstPort = c.u16();
  const verificationTag = c.u32();
  c.skip(4);
  const checksum = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
  const chunks: SctpChunk[] = [];
  while (c.remaining > 0) {
    if (chunks.length >= maxChunksCount) c.error(`more than ${maxChunksCount} chunks`);
    const at = c.offset;
    const type = c.u8('chunk type');
    const flags = c.u8('chunk flags');
    const length = c.u16('chunk length');
    if (length < 4) c.error(`chunk length ${length} < 4`, at);
    const value = c.take(length - 4, `chunk ${type} value`);
    c.skip(Math.min((4 - (length % 4)) % 4, c.remaining)); // final padding may be absent
    chunks.push({ type, flags, value });
  }
  return { kind: 'sctp', srcPort, dstPort, verificationTag, checksum, checksumValid: sctpCrc(bytes) === checksum, chunks };
}

export interface SctpSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag?: number;
  readonly chunks?: readonly SctpChunk[];
  readonly checksum?: number;
}

export function encodeSctp(spec: SctpSpec): Uint8Array {
  const w = new Writer().u16(spec.srcPort).u16(spec.dstPort).u32(spec.verificationTag ?? 0).u32(0);
  for (const ch of spec.chunks ?? []) {
    w.u8(ch.type).u8(ch.flags).u16(ch.value.length + 4).bytes(ch.value);
    w.zeros((4 - (ch.value.length % 4)) % 4);
  }
  const out = w.finish();
  const sum = spec.checksum ?? crc32c(out);
  out[8] = sum & 0xff;
  out[9] = (sum >>> 8) & 0xff;
  out[10] = (sum >>> 16) & 0xff;
  out[11] = (sum >>> 24) & 0xff;
  return out;
}
