// NXAST_LEARN (16) and NXAST_LEARN2 (45). After the fixed part comes a list of flow_mod_spec elements:
// u16 header = src type (bit 13: 0 field, 1 immediate) | dst type (bits 11-12: 0 match, 1 load, 2 output)
// | n_bits (low 11 bits); then the source (32-bit NXM header + u16 ofs, or the immediate padded to
// 2*ceil(n_bits/16) bytes), then for match/load the destination (header + u16 ofs). A zero header or the
// end of the action ends the list; any remaining bytes must be zero.

import { Reader, Writer } from '../bytes';
import { readSubfieldHeader, Subfield, writeSubfieldHeader } from '../oxm';
import { subfieldInRange } from './nicira-actions';
import type { LearnAction, LearnSpec } from './types';
import { nxLearnFlags } from './types';

const srcImmediate = 1 << 13;
const dstShift = 11;
const nBitsMask = 0x7ff;
const dstNames = ['match', 'load', 'output'] as const;
export const maxLearnSpecCount = 64;

function readSub(r: Reader, nBits: number, what: string): Subfield {
  const hdr = readSubfieldHeader(r);
  const sf = { ...hdr, ofs: r.u16(`${what} ofs`), nBits };
  subfieldInRange(r, sf, `learn ${what}`);
  return sf;
}

export function decodeLearn(r: Reader, variant: 'learn' | 'learn2'): LearnAction {
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const priority = r.u16('priority');
  const cookie = r.u64('cookie');
  const flags = r.u16('flags');
  const tableId = r.u8('table_id');
  r.zeros(1);
  const finIdleTimeout = r.u16('fin_idle_timeout');
  const finHardTimeout = r.u16('fin_hard_timeout');
  let limit = 0;
  let resultDst: Subfield | undefined;
  if (variant === 'learn2') {
    limit = r.u32('limit');
    const resultOfs = r.u16('result_dst_ofs');
    r.zeros(2);
    if (flags & nxLearnFlags.writeResult) {
      const hdr = readSubfieldHeader(r);
      resultDst = { ...hdr, ofs: resultOfs, nBits: 1 };
    }
  }
  const specs: LearnSpec[] = [];
  while (r.remaining >= 2) {
    const header = r.u16('spec header');
    if (header === 0) break;
    if (specs.length >= maxLearnSpecCount) r.fail(`more than ${maxLearnSpecCount} learn specs`);
    const nBits = header & nBitsMask;
    const dstType = (header >>> dstShift) & 3;
    const dst = dstNames[dstType];
    if (header & ~(srcImmediate | (3 << dstShift) | nBitsMask) || dst === undefined) {
      r.fail(`bad learn spec header 0x${header.toString(16)}`, r.offset - 2);
    }
    if (nBits === 0) r.fail('learn spec with 0 bits', r.offset - 2);
    const immediate = (header & srcImmediate) !== 0;
    if (dst === 'output' && immediate) r.fail('learn output spec with immediate source', r.offset - 2);
    const src: Subfield | Uint8Array = immediate ? r.take(2 * Math.ceil(nBits / 16), 'learn immediate') : readSub(r, nBits, 'src');
    const spec: LearnSpec = dst === 'output' ? { src, dst, nBits } : { src, dst, dstField: readSub(r, nBits, 'dst'), nBits };
    specs.push(spec);
  }
  r.zeros(r.remaining, 'learn padding');
  const base = { type: 'learn' as const, variant, idleTimeout, hardTimeout, priority, cookie, flags, tableId, finIdleTimeout, finHardTimeout, limit, specs };
  return resultDst ? { ...base, resultDst } : base;
}

export function encodeLearn(a: LearnAction, w: Writer): void {
  w.u16(a.idleTimeout).u16(a.hardTimeout).u16(a.priority).u64(a.cookie).u16(a.flags).u8(a.tableId).zeros(1)
    .u16(a.finIdleTimeout).u16(a.finHardTimeout);
  if (a.variant === 'learn2') {
    w.u32(a.limit).u16(a.resultDst?.ofs ?? 0).zeros(2);
    if (a.flags & nxLearnFlags.writeResult) {
      if (!a.resultDst) throw new RangeError('learn2: write_result flag without resultDst');
      writeSubfieldHeader(w, a.resultDst);
    }
  }
  for (const s of a.specs) {
    const immediate = s.src instanceof Uint8Array;
    w.u16((immediate ? srcImmediate : 0) | (dstNames.indexOf(s.dst) << dstShift) | s.nBits);
    if (s.src instanceof Uint8Array) {
      if (s.src.length !== 2 * Math.ceil(s.nBits / 16)) throw new RangeError(`learn immediate must be ${2 * Math.ceil(s.nBits / 16)} bytes`);
      w.bytes(s.src);
    } else {
      writeSubfieldHeader(w, s.src);
      w.u16(s.src.ofs);
    }
    if (s.dst !== 'output') {
      if (!s.dstField) throw new RangeError(`learn ${s.dst} spec without dstField`);
      writeSubfieldHeader(w, s.dstField);
      w.u16(s.dstField.ofs);
    }
  }
}
