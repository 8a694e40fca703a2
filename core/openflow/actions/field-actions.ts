// Standard OF1.5 actions that carry OXM headers: set_field (OFPAT_SET_FIELD, 25) and copy_field
// (OFPAT_COPY_FIELD, 28). Both are padded to a multiple of 8 bytes.

import { Reader, Writer } from '../bytes';
import { fieldBytes } from '../oxm-fields';
import { codeFor, readOxmEntry, readSubfieldHeader, writeOxmEntry, writeSubfieldHeader } from '../oxm';

/** OpenFlow 1.5's wire version number. */
const of15Version = 6;
import type { CopyFieldAction, SetFieldAction } from './types';

export const ofpatSetField = 25;
export const ofpatCopyField = 28;

/** r holds the action body after type+len. */
export function decodeSetField(r: Reader): SetFieldAction {
  const entry = readOxmEntry(r);
  r.zeros(r.remaining, 'set_field padding');
  return { type: 'set_field', entry };
}

export function encodeSetField(a: SetFieldAction, w: Writer): void {
  writeOxmEntry(w, a.entry);
}

export function decodeCopyField(r: Reader): CopyFieldAction {
  const nBits = r.u16('n_bits');
  const srcOfs = r.u16('src_offset');
  const dstOfs = r.u16('dst_offset');
  r.zeros(2);
  const src = readSubfieldHeader(r);
  const dst = readSubfieldHeader(r);
  r.zeros(r.remaining, 'copy_field padding');
  for (const [sf, ofs, what] of [[src, srcOfs, 'src'], [dst, dstOfs, 'dst']] as const) {
    if (nBits === 0 || ofs + nBits > fieldBytes(sf.field) * 8) {
      r.fail(`copy_field ${what} ${sf.code.name}[${ofs}..+${nBits}] out of range`);
    }
  }
  return { type: 'copy_field', src: { ...src, ofs: srcOfs, nBits }, dst: { ...dst, ofs: dstOfs, nBits } };
}

/**
 * OVS writes copy_field's field headers in the encoding it prefers for OpenFlow 1.5 (OXM basic where the
 * field has one, else NXM), whatever name the action was written with (encode_REG_MOVE ->
 * nx_put_mff_header with the wire version), so the bytes are the same for move:NXM_OF_ETH_SRC[] and
 * move:OXM_OF_ETH_SRC[].
 */
export function encodeCopyField(a: CopyFieldAction, w: Writer): void {
  if (a.src.nBits !== a.dst.nBits) throw new RangeError(`copy_field: src ${a.src.nBits} bits != dst ${a.dst.nBits} bits`);
  w.u16(a.src.nBits).u16(a.src.ofs).u16(a.dst.ofs).zeros(2);
  for (const sf of [a.src, a.dst]) writeSubfieldHeader(w, sf.field.variableLength ? sf : { field: sf.field, code: codeFor(sf.field, of15Version) });
}
