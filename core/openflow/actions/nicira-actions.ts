// Nicira extension actions with variable or nested layouts. Each decoder gets a Reader over the body after
// the 10-byte NX header (type, len, vendor, subtype); each encoder writes that body (the caller writes the
// header, pads to 8 and fixes the length).

import { Reader, Writer } from '../bytes';
import { fieldBytes } from '../oxm-fields';
import { decodeOfsNbits, encodeOfsNbits, headerBytes, readSubfieldHeader, Subfield, writeSubfieldHeader } from '../oxm';
import type {
  Action, CheckPktLargerAction, CloneAction, Controller2Action, Controller2Prop, CtAction, DecTtlCntIdsAction,
  MultipathAction, NatAction, NoteAction, OutputRegAction, StackAction,
} from './types';
import { nxNatRange } from './types';

export type NestedReader = (r: Reader) => Action[];
export type NestedWriter = (w: Writer, actions: readonly Action[]) => void;

export const nxSubtype = {
  note: 8, outputReg: 15, learn: 16, decTtlCntIds: 21, outputReg2: 32, ct: 35, nat: 36, controller2: 37,
  clone: 42, checkPktLarger: 49, learn2: 45, multipath: 10, stackPush: 27, stackPop: 28,
} as const;

export function subfieldInRange(r: Reader, sf: Subfield, what: string): void {
  if (sf.nBits < 1 || sf.ofs + sf.nBits > fieldBytes(sf.field) * 8) {
    r.fail(`${what}: ${sf.code.name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}] outside the ${sf.field.bits}-bit field`);
  }
}

export function decodeNote(r: Reader): NoteAction {
  return { type: 'note', data: r.take(r.remaining, 'note') };
}
export function encodeNote(a: NoteAction, w: Writer): void {
  w.bytes(a.data);
}

export function decodeOutputReg(r: Reader, variant: 'reg' | 'reg2'): OutputRegAction {
  const { ofs, nBits } = decodeOfsNbits(r.u16('ofs_nbits'));
  let maxLen: number;
  let hdr;
  if (variant === 'reg') {
    hdr = readSubfieldHeader(r);
    maxLen = r.u16('max_len');
  } else {
    maxLen = r.u16('max_len');
    hdr = readSubfieldHeader(r);
  }
  r.zeros(r.remaining, 'output_reg padding');
  const src = { ...hdr, ofs, nBits };
  subfieldInRange(r, src, 'output_reg');
  return { type: 'output_reg', variant, src, maxLen };
}
export function encodeOutputReg(a: OutputRegAction, w: Writer): void {
  const start = w.length;
  w.u16(encodeOfsNbits(a.src.ofs, a.src.nBits));
  if (a.variant === 'reg') {
    writeSubfieldHeader(w, a.src);
    w.u16(a.maxLen);
  } else {
    w.u16(a.maxLen);
    writeSubfieldHeader(w, a.src);
  }
  w.zeros(Math.max(0, 14 - (w.length - start))); // body of a 24-byte action
}

const controller2PropTypes: readonly Controller2Prop[] = ['max_len', 'controller_id', 'reason', 'userdata', 'pause', 'meter_id'];
export const maxControllerPropCount = 16;

export function decodeController2(r: Reader): Controller2Action {
  r.zeros(6, 'controller2 header padding');
  const a: { -readonly [K in keyof Controller2Action]: Controller2Action[K] } = { type: 'controller2', pause: false, order: [] };
  const order: Controller2Prop[] = [];
  while (!r.atEnd()) {
    if (order.length >= maxControllerPropCount) r.fail(`more than ${maxControllerPropCount} controller2 properties`);
    const start = r.offset;
    const type = r.u16('property type');
    const len = r.u16('property length');
    if (len < 4) r.fail(`controller2 property length ${len} < 4`, start);
    const body = r.sub(len - 4, 'NXAST_CONTROLLER2 property');
    r.zeros((8 - (len % 8)) % 8, 'property padding');
    const name = controller2PropTypes[type];
    if (name === undefined) r.fail(`unknown controller2 property ${type}`, start);
    if (order.includes(name)) r.fail(`duplicate controller2 property ${name}`, start);
    order.push(name);
    const exact = (n: number) => { if (body.remaining !== n) body.fail(`${name} property must be ${n} bytes`, start); };
    switch (name) {
      case 'max_len': exact(2); a.maxLen = body.u16(); break;
      case 'controller_id': exact(2); a.controllerId = body.u16(); break;
      case 'reason': exact(1); a.reason = body.u8(); break;
      case 'userdata': a.userdata = body.take(body.remaining); break;
      case 'pause': exact(0); a.pause = true; break;
      case 'meter_id': exact(4); a.meterId = body.u32(); break;
    }
  }
  a.order = order;
  return a;
}

export function encodeController2(a: Controller2Action, w: Writer): void {
  w.zeros(6);
  for (const name of a.order) {
    const start = w.length;
    w.u16(controller2PropTypes.indexOf(name)).u16(0);
    switch (name) {
      case 'max_len': w.u16(req(a.maxLen, name)); break;
      case 'controller_id': w.u16(req(a.controllerId, name)); break;
      case 'reason': w.u8(req(a.reason, name)); break;
      case 'userdata': w.bytes(req(a.userdata, name)); break;
      case 'pause': break;
      case 'meter_id': w.u32(req(a.meterId, name)); break;
    }
    w.setU16(start + 2, w.length - start);
    w.padTo(8, start);
  }
}

function req<T>(v: T | undefined, name: string): T {
  if (v === undefined) throw new RangeError(`controller2: property ${name} listed in order but not set`);
  return v;
}

export function decodeCt(r: Reader, nested: NestedReader): CtAction {
  const flags = r.u16('flags');
  const zoneHeader = r.peekU32();
  let zoneSrc: Subfield | undefined;
  let zoneImm = 0;
  if (zoneHeader === 0) {
    r.u32();
    zoneImm = r.u16('zone_imm');
  } else {
    const hdr = readSubfieldHeader(r);
    const { ofs, nBits } = decodeOfsNbits(r.u16('zone_ofs_nbits'));
    zoneSrc = { ...hdr, ofs, nBits };
    subfieldInRange(r, zoneSrc, 'ct zone');
  }
  const recircTable = r.u8('recirc_table');
  r.zeros(3);
  const alg = r.u16('alg');
  const actions = nested(r);
  return zoneSrc ? { type: 'ct', flags, zoneSrc, zoneImm, recircTable, alg, actions } : { type: 'ct', flags, zoneImm, recircTable, alg, actions };
}

export function encodeCt(a: CtAction, w: Writer, nested: NestedWriter): void {
  w.u16(a.flags);
  if (a.zoneSrc) {
    if (headerBytes(a.zoneSrc.code) !== 4) throw new RangeError('ct zone source must have a 4-byte NXM header');
    writeSubfieldHeader(w, a.zoneSrc);
    w.u16(encodeOfsNbits(a.zoneSrc.ofs, a.zoneSrc.nBits));
  } else {
    w.u32(0).u16(a.zoneImm);
  }
  w.u8(a.recircTable).zeros(3).u16(a.alg);
  nested(w, a.actions);
}

const natRangeParts = [
  ['ipv4Min', nxNatRange.ipv4Min, 4], ['ipv4Max', nxNatRange.ipv4Max, 4],
  ['ipv6Min', nxNatRange.ipv6Min, 16], ['ipv6Max', nxNatRange.ipv6Max, 16],
] as const;

export function decodeNat(r: Reader): NatAction {
  r.zeros(2);
  const flags = r.u16('flags');
  const rangePresent = r.u16('range_present');
  if (rangePresent & ~0x3f) r.fail(`unknown NAT range bits 0x${rangePresent.toString(16)}`);
  const a: { -readonly [K in keyof NatAction]: NatAction[K] } = { type: 'nat', flags, rangePresent };
  for (const [name, bit, n] of natRangeParts) if (rangePresent & bit) a[name] = r.take(n, name);
  if (rangePresent & nxNatRange.protoMin) a.protoMin = r.u16('proto_min');
  if (rangePresent & nxNatRange.protoMax) a.protoMax = r.u16('proto_max');
  r.zeros(r.remaining, 'nat padding');
  return a;
}

export function encodeNat(a: NatAction, w: Writer): void {
  w.zeros(2).u16(a.flags).u16(a.rangePresent);
  for (const [name, bit, n] of natRangeParts) {
    if (a.rangePresent & bit) {
      const v = a[name];
      if (!v || v.length !== n) throw new RangeError(`nat: ${name} must be ${n} bytes`);
      w.bytes(v);
    }
  }
  if (a.rangePresent & nxNatRange.protoMin) w.u16(a.protoMin ?? 0);
  if (a.rangePresent & nxNatRange.protoMax) w.u16(a.protoMax ?? 0);
}

export function decodeClone(r: Reader, nested: NestedReader): CloneAction {
  r.zeros(6, 'clone header padding');
  return { type: 'clone', actions: nested(r) };
}
export function encodeClone(a: CloneAction, w: Writer, nested: NestedWriter): void {
  w.zeros(6);
  nested(w, a.actions);
}

export function decodeDecTtlCntIds(r: Reader): DecTtlCntIdsAction {
  const n = r.u16('n_controllers');
  r.zeros(4);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.u16('cnt_id'));
  r.zeros(r.remaining, 'cnt_ids padding');
  return { type: 'dec_ttl_cnt_ids', ids };
}
export function encodeDecTtlCntIds(a: DecTtlCntIdsAction, w: Writer): void {
  w.u16(a.ids.length).zeros(4);
  for (const id of a.ids) w.u16(id);
}

export function decodeCheckPktLarger(r: Reader): CheckPktLargerAction {
  const pktLen = r.u16('pkt_len');
  const ofs = r.u16('offset');
  const hdr = readSubfieldHeader(r);
  r.zeros(r.remaining, 'check_pkt_larger padding');
  const dst = { ...hdr, ofs, nBits: 1 };
  subfieldInRange(r, dst, 'check_pkt_larger');
  return { type: 'check_pkt_larger', pktLen, dst };
}
export function encodeCheckPktLarger(a: CheckPktLargerAction, w: Writer): void {
  const start = w.length;
  w.u16(a.pktLen).u16(a.dst.ofs);
  writeSubfieldHeader(w, a.dst);
  w.zeros(Math.max(0, 14 - (w.length - start)));
}

export function decodeStack(r: Reader, type: StackAction['type']): StackAction {
  const ofs = r.u16('offset');
  const hdr = readSubfieldHeader(r);
  const nBits = r.u16('n_bits');
  r.zeros(r.remaining, 'stack padding');
  const field = { ...hdr, ofs, nBits };
  subfieldInRange(r, field, type);
  return { type, field };
}
export function encodeStack(a: StackAction, w: Writer): void {
  const start = w.length;
  w.u16(a.field.ofs);
  writeSubfieldHeader(w, a.field);
  w.u16(a.field.nBits);
  w.zeros(Math.max(0, 14 - (w.length - start)));
}

export function decodeMultipath(r: Reader): MultipathAction {
  const fields = r.u16('fields');
  const basis = r.u16('basis');
  r.zeros(2);
  const algorithm = r.u16('algorithm');
  const maxLink = r.u16('max_link');
  const arg = r.u32('arg');
  r.zeros(2);
  const { ofs, nBits } = decodeOfsNbits(r.u16('ofs_nbits'));
  const hdr = readSubfieldHeader(r);
  const dst = { ...hdr, ofs, nBits };
  subfieldInRange(r, dst, 'multipath');
  if (!r.atEnd()) r.fail(`${r.remaining} trailing bytes in multipath`);
  return { type: 'multipath', fields, basis, algorithm, maxLink, arg, dst };
}
export function encodeMultipath(a: MultipathAction, w: Writer): void {
  if (headerBytes(a.dst.code) !== 4) throw new RangeError('multipath destination must have a 4-byte NXM header');
  w.u16(a.fields).u16(a.basis).zeros(2).u16(a.algorithm).u16(a.maxLink).u32(a.arg).zeros(2)
    .u16(encodeOfsNbits(a.dst.ofs, a.dst.nBits));
  writeSubfieldHeader(w, a.dst);
}
