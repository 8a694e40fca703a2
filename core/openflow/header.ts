// The 8-byte OpenFlow header and message type numbers (OpenFlow 1.5 = wire version 6).

import { Reader, Writer } from './bytes';

export const ofpVersion15 = 6;
export const ofpHeaderBytes = 8;

export const ofpt = {
  HELLO: 0, ERROR: 1, ECHO_REQUEST: 2, ECHO_REPLY: 3, EXPERIMENTER: 4, FEATURES_REQUEST: 5, FEATURES_REPLY: 6,
  GET_CONFIG_REQUEST: 7, GET_CONFIG_REPLY: 8, SET_CONFIG: 9, PACKET_IN: 10, FLOW_REMOVED: 11, PORT_STATUS: 12,
  PACKET_OUT: 13, FLOW_MOD: 14, GROUP_MOD: 15, PORT_MOD: 16, TABLE_MOD: 17, MULTIPART_REQUEST: 18,
  MULTIPART_REPLY: 19, BARRIER_REQUEST: 20, BARRIER_REPLY: 21, METER_MOD: 29, BUNDLE_CONTROL: 33,
  BUNDLE_ADD_MESSAGE: 34,
} as const;

const typeNames = new Map<number, string>(Object.entries(ofpt).map(([k, v]) => [v, `OFPT_${k}`]));

export function ofptName(type: number): string {
  return typeNames.get(type) ?? `OFPT_${type}`;
}

export interface OfpHeader {
  readonly version: number;
  readonly type: number;
  readonly length: number;
  readonly xid: number;
}

export function readHeader(r: Reader): OfpHeader {
  const version = r.u8('version');
  const type = r.u8('type');
  const length = r.u16('length');
  const xid = r.u32('xid');
  if (length < ofpHeaderBytes) r.fail(`header length ${length} < 8`, r.offset - 6);
  return { version, type, length, xid };
}

/** Writes a header with length 0; call fixLength once the body is written. */
export function writeHeader(w: Writer, version: number, type: number, xid: number): number {
  const start = w.length;
  w.u8(version).u8(type).u16(0).u32(xid);
  return start;
}

export function fixLength(w: Writer, start: number): void {
  const len = w.length - start;
  if (len > 0xffff) throw new RangeError(`OpenFlow message of ${len} bytes exceeds 65535`);
  w.setU16(start + 2, len);
}

/**
 * Splits a byte stream into whole messages: returns the complete frames and the number of bytes consumed.
 * A header whose length is < 8 is a framing error (the stream cannot be resynchronized).
 */
export function frameMessages(buf: Uint8Array): { frames: Uint8Array[]; consumed: number; error?: string } {
  const frames: Uint8Array[] = [];
  let pos = 0;
  while (buf.length - pos >= ofpHeaderBytes) {
    const len = (buf[pos + 2]! << 8) | buf[pos + 3]!;
    if (len < ofpHeaderBytes) return { frames, consumed: pos, error: `bad OpenFlow length ${len} at offset ${pos}` };
    if (buf.length - pos < len) break;
    frames.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  return { frames, consumed: pos };
}
