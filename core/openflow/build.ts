// Builders for code that constructs OpenFlow values directly (ovn-controller's flow generation, tests):
// OXM entries and subfields by field name, matches in OVS's canonical order, FLOW_MODs with defaults.

import { bigIntToBytes, bytesToBigInt } from './bytes';
import type { Instruction } from './instructions';
import type { Match } from './match';
import type { FlowMod } from './messages/types';
import type { OxmEntry, Subfield } from './oxm';
import { codeByName, fieldBytes, fieldByName, preferredCode } from './oxm-fields';
import { assert } from '../util/assert';
import { FlowView, ones, put } from './text/match-format';
import { encodeFlowView } from './text/match-parse';

type Value = bigint | Uint8Array;

function toBig(v: Value): bigint {
  return typeof v === 'bigint' ? v : bytesToBigInt(v);
}

/** An OXM entry for field `name` (ovs name, alias or NXM/OXM name) as OVS encodes it for OpenFlow 1.5. */
export function matchEntry(name: string, value: Value, mask?: Value): OxmEntry {
  const byCode = codeByName(name);
  const field = byCode?.field ?? fieldByName(name);
  assert(field, () => `matchEntry: unknown field ${name}`);
  const code = byCode?.code ?? preferredCode(field, 6);
  assert(code, () => `matchEntry: field ${name} has no OXM/NXM encoding`);
  const n = typeof value !== 'bigint' ? value.length : fieldBytes(field);
  const v = bigIntToBytes(toBig(value), n);
  return mask === undefined ? { field, code, value: v } : { field, code, value: v, mask: bigIntToBytes(toBig(mask), n) };
}

/** "NXM_NX_REG0" / "reg0" bits [ofs, ofs + nBits); the whole field when nBits is omitted. */
export function subfield(name: string, ofs = 0, nBits?: number): Subfield {
  const byCode = codeByName(name);
  const field = byCode?.field ?? fieldByName(name);
  assert(field, () => `subfield: unknown field ${name}`);
  const code = byCode?.code ?? field.codes[0];
  assert(code, () => `subfield: field ${name} has no NXM/OXM encoding`);
  const bits = nBits ?? field.bits - ofs;
  assert(ofs >= 0 && bits >= 1 && ofs + bits <= field.bits, () => `subfield: ${name}[${ofs}..+${bits}] outside the field`);
  return { field, code, ofs, nBits: bits };
}

/**
 * A match from field values, in the entry order ovs-ofctl would produce (registers folded into xregs as OVS
 * does for OpenFlow 1.5). Values are exact unless given as [value, mask].
 */
export function buildMatch(fields: Readonly<Record<string, bigint | readonly [bigint, bigint]>>): Match {
  const view: FlowView = new Map();
  for (const name in fields) {
    const spec = fields[name]!;
    const slot = viewSlot(name);
    const [v, m] = typeof spec === 'bigint' ? [spec, ones(slot.bytes)] : spec;
    if (slot.regWords.length > 0) {
      const words = slot.regWords.length;
      for (let k = 0; k < words; k++) {
        const sh = BigInt(32 * (words - 1 - k));
        put(view, slot.regWords[k]!, (v >> sh) & 0xffffffffn, (m >> sh) & 0xffffffffn, 4);
      }
    } else {
      put(view, slot.slot, v, m, slot.bytes);
    }
  }
  return encodeFlowView(view);
}

/** Where a field name lands in a FlowView: its slot and width, or the 32-bit registers an xreg/xxreg spans. */
interface ViewSlot {
  readonly slot: string;
  readonly bytes: number;
  readonly regWords: readonly string[];
}

/** Field names resolve once (buildMatch runs for every compiled flow); the table of fields is fixed. */
const viewSlots = new Map<string, ViewSlot>();

function viewSlot(name: string): ViewSlot {
  const known = viewSlots.get(name);
  if (known) return known;
  const f = fieldByName(name);
  assert(f, () => `buildMatch: unknown field ${name}`);
  const bytes = f.name === 'in_port_oxm' ? 2 : fieldBytes(f);
  const xreg = /^xx?reg(\d+)$/.exec(f.name);
  const words = !xreg ? 0 : f.name.startsWith('xx') ? 4 : 2;
  const regWords = Array.from({ length: words }, (_, k) => `reg${words * Number(xreg![1]) + k}`);
  const slot: ViewSlot = { slot: f.name === 'in_port_oxm' ? 'in_port' : f.name, bytes, regWords };
  viewSlots.set(name, slot);
  return slot;
}

export interface FlowModSpec {
  readonly tableId?: number;
  readonly priority?: number;
  readonly cookie?: bigint;
  readonly match?: Match;
  readonly instructions?: readonly Instruction[];
  readonly command?: number;
  readonly idleTimeout?: number;
  readonly hardTimeout?: number;
  readonly flags?: number;
  readonly xid?: number;
}

/** A FLOW_MOD (default: add, table 0, priority 32768, no buffer, any out port/group). */
export function flowMod(spec: FlowModSpec): FlowMod {
  return {
    type: 'flow_mod', xid: spec.xid ?? 0, cookie: spec.cookie ?? 0n, cookieMask: 0n, tableId: spec.tableId ?? 0,
    command: spec.command ?? 0, idleTimeout: spec.idleTimeout ?? 0, hardTimeout: spec.hardTimeout ?? 0,
    priority: spec.priority ?? 0x8000, bufferId: 0xffffffff, outPort: 0xffffffff, outGroup: 0xffffffff,
    flags: spec.flags ?? 0, importance: 0, match: spec.match ?? [], instructions: spec.instructions ?? [],
  };
}
