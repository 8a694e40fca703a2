// OXM/NXM TLV headers and entries (a field, a value, an optional mask), and subfield references
// (a field header plus a bit range) as used by move, output_reg, learn, ct zone, etc.

import { Reader, Writer } from './bytes';
import {
  FieldDef, OxmCode, fieldByHeader, fieldBytes, oxmClassExperimenter, preferredCode,
} from './oxm-fields';

export interface OxmHeader {
  readonly field: FieldDef;
  readonly code: OxmCode;
  readonly hasMask: boolean;
  /** Payload length in bytes excluding any experimenter id (value, plus mask when hasMask). */
  readonly payloadBytes: number;
}

export interface OxmEntry {
  readonly field: FieldDef;
  readonly code: OxmCode;
  readonly value: Uint8Array;
  readonly mask?: Uint8Array;
}

/** A bit range of a field: NXM_NX_REG0[0..15] is { field: reg0, ofs: 0, nBits: 16 }. */
export interface Subfield {
  readonly field: FieldDef;
  readonly code: OxmCode;
  readonly ofs: number;
  readonly nBits: number;
  /**
   * For variable-length fields (tun_metadata): the value length the header carries, when it is not the
   * field's maximum (a switch writes the TLV's mapped length, e.g. 4). Absent = the field's full size.
   */
  readonly headerValueBytes?: number;
}

export function headerBytes(code: OxmCode): number {
  return code.oxmClass === oxmClassExperimenter ? 8 : 4;
}

export function writeOxmHeader(w: Writer, code: OxmCode, hasMask: boolean, payloadBytes: number): void {
  const exp = code.oxmClass === oxmClassExperimenter;
  const len = payloadBytes + (exp ? 4 : 0);
  if (len > 0xff) throw new RangeError(`OXM ${code.name}: length ${len} exceeds 255`);
  w.u32(((code.oxmClass << 16) | (code.field << 9) | (hasMask ? 0x100 : 0) | len) >>> 0);
  if (exp) w.u32(code.experimenter ?? 0);
}

/** Reads an OXM/NXM header; unknown fields are an error naming the header. */
export function readOxmHeader(r: Reader): OxmHeader {
  const start = r.offset;
  const h = r.u32('OXM header');
  const oxmClass = h >>> 16;
  const fieldNo = (h >>> 9) & 0x7f;
  const hasMask = (h & 0x100) !== 0;
  let len = h & 0xff;
  let experimenter: number | undefined;
  if (oxmClass === oxmClassExperimenter) {
    experimenter = r.u32('OXM experimenter id');
    if (len < 4) r.fail(`OXM experimenter header length ${len} < 4`, start);
    len -= 4;
  }
  const found = fieldByHeader(oxmClass, fieldNo, experimenter);
  if (!found) {
    const exp = experimenter === undefined ? '' : ` experimenter 0x${experimenter.toString(16)}`;
    r.fail(`unknown OXM field class 0x${oxmClass.toString(16)} field ${fieldNo}${exp}`, start);
  }
  return { field: found.field, code: found.code, hasMask, payloadBytes: len };
}

function expectedValueBytes(h: OxmHeader, r: Reader, start: number): number {
  const full = fieldBytes(h.field);
  const valueBytes = h.hasMask ? h.payloadBytes / 2 : h.payloadBytes;
  if (!Number.isInteger(valueBytes)) r.fail(`OXM ${h.code.name}: odd masked length ${h.payloadBytes}`, start);
  if (h.field.variableLength ? valueBytes < 1 || valueBytes > full : valueBytes !== full) {
    r.fail(`OXM ${h.code.name}: bad length ${h.payloadBytes} (value is ${full} bytes)`, start);
  }
  return valueBytes;
}

export function readOxmEntry(r: Reader): OxmEntry {
  const start = r.offset;
  const h = readOxmHeader(r);
  const n = expectedValueBytes(h, r, start);
  if (h.hasMask && !h.field.maskable) r.fail(`OXM ${h.code.name}: field is not maskable`, start);
  const value = r.take(n, h.code.name);
  if (!h.hasMask) return { field: h.field, code: h.code, value };
  const mask = r.take(n, `${h.code.name} mask`);
  return { field: h.field, code: h.code, value, mask };
}

export function writeOxmEntry(w: Writer, e: OxmEntry): void {
  if (e.mask && e.mask.length !== e.value.length) {
    throw new RangeError(`OXM ${e.code.name}: mask length ${e.mask.length} != value length ${e.value.length}`);
  }
  writeOxmHeader(w, e.code, e.mask !== undefined, e.value.length * (e.mask ? 2 : 1));
  w.bytes(e.value);
  if (e.mask) w.bytes(e.mask);
}

/** The code OVS would use for `field` in OpenFlow wire version `version`; throws if the field has none. */
export function codeFor(field: FieldDef, version: number): OxmCode {
  const c = preferredCode(field, version);
  if (!c) throw new RangeError(`field ${field.name} has no NXM/OXM encoding`);
  return c;
}

/**
 * Subfield header as OVS's learn/move/output_reg encodings write it (header with no mask bit). The length
 * must be the field's size, except for variable-length fields, whose actual length is kept.
 */
export function readSubfieldHeader(r: Reader): { field: FieldDef; code: OxmCode; headerValueBytes?: number } {
  const start = r.offset;
  const h = readOxmHeader(r);
  const full = fieldBytes(h.field);
  const n = h.payloadBytes;
  // Anything else would not re-encode to the same bytes: reject it rather than normalize it silently.
  if (h.hasMask) r.fail(`${h.code.name}: a field reference must not have the mask bit`, start);
  if (h.field.variableLength) {
    if (n < 1 || n > full) r.fail(`${h.code.name}: bad header length ${n}`, start);
    return n === full ? { field: h.field, code: h.code } : { field: h.field, code: h.code, headerValueBytes: n };
  }
  if (n !== full) r.fail(`${h.code.name}: header length ${n}, field is ${full} bytes`, start);
  return { field: h.field, code: h.code };
}

export function writeSubfieldHeader(w: Writer, sf: { field: FieldDef; code: OxmCode; headerValueBytes?: number }): void {
  writeOxmHeader(w, sf.code, false, sf.headerValueBytes ?? fieldBytes(sf.field));
}

/** NXM (ofs << 6) | (n_bits - 1) encoding. */
export function encodeOfsNbits(ofs: number, nBits: number): number {
  return (ofs << 6) | (nBits - 1);
}

export function decodeOfsNbits(v: number): { ofs: number; nBits: number } {
  return { ofs: v >>> 6, nBits: (v & 0x3f) + 1 };
}
