// Logical fields as OpenFlow subfields and set_field entries: where a logical field reference (reg0[3],
// inport, ct_mark.blocked) lives in OVS (upstream expr_resolve_field), and the OXM value/mask that
// writes a constant into its bits (upstream encode_LOAD / put_load).
import { matchEntry, subfield, type OxmEntry, type Subfield, type Action } from '../../openflow';
import { resolveField } from '../check-match';
import { LflowError } from '../errors';
import { ones } from '../expr';
import { ofFields } from '../of-fields';
import type { FieldRef } from '../syntax';
import type { Symtab } from '../symtab';

export interface OfRef {
  /** ovs-ofctl name of the root OpenFlow field (xxreg0, reg10, eth_src ...). */
  readonly name: string;
  readonly ofs: number;
  readonly bits: number;
  /** Width of the whole OpenFlow field. */
  readonly fieldBits: number;
}

export function resolveOfRef(ref: FieldRef, symtab: Symtab): OfRef {
  const f = resolveField(ref, symtab);
  if (f.symbol.expansion !== null) throw new LflowError(ref.pos, `Predicate ${f.symbol.name} is not a field.`);
  const place = symtab.place(f.symbol);
  const of = place.root.of;
  if (!of) throw new LflowError(ref.pos, `Field ${f.symbol.name} has no OpenFlow field (only OVN actions write it).`);
  // String fields (inport/outport) are the whole 32-bit register holding the port key.
  const bits = f.bits === 0 ? of.bits : f.bits;
  return { name: of.ovsName, ofs: place.ofs + f.ofs, bits, fieldBits: of.bits };
}

/** An OVS field by its OpenFlow field id in of-fields.ts (MFF_REG14 ...), as a whole-field reference. */
export function ofFieldRef(id: string): OfRef {
  const of = ofFields.get(id);
  if (!of) throw new LflowError(0, `unknown OpenFlow field ${id}`);
  return { name: of.ovsName, ofs: 0, bits: of.bits, fieldBits: of.bits };
}

export function toSubfield(r: OfRef): Subfield {
  return subfield(r.name, r.ofs, r.bits);
}

/** set_field writing `value` (masked by `mask` within the reference's bits) into the reference's bits. */
export function loadEntry(r: OfRef, value: bigint, mask: bigint = ones(r.bits)): OxmEntry {
  const sh = BigInt(r.ofs);
  const m = (mask & ones(r.bits)) << sh;
  const v = (value << sh) & m;
  // A write whose mask is all ones over the field's bytes is an unmasked set_field, as OVS encodes it; a
  // field narrower than its bytes (ip_dscp: 6 bits in one byte) keeps its mask, as upstream's does.
  if (m === ones(Math.ceil(r.fieldBits / 8) * 8)) return matchEntry(r.name, v);
  return matchEntry(r.name, v, m);
}

export function load(r: OfRef, value: bigint, mask?: bigint): Action {
  return { type: 'set_field', entry: loadEntry(r, value, mask) };
}

export function move(src: OfRef, dst: OfRef): Action {
  return { type: 'copy_field', src: toSubfield(src), dst: toSubfield(dst) };
}

export function push(r: OfRef): Action {
  return { type: 'stack_push', field: toSubfield(r) };
}

export function pop(r: OfRef): Action {
  return { type: 'stack_pop', field: toSubfield(r) };
}

export function resubmit(table: number): Action {
  return { type: 'resubmit', variant: 'table', inPort: 0xfff8, table };
}
