// The packet state a vswitch pipeline reads and writes: every OVS field (ovs-fields(7)) as bits of one
// storage slot or a concatenation of slots, declared once as data.
//
// Storage is a flat array of slots: fields of ≤ 32 bits are unsigned numbers (cheap masked compares), wider
// ones (MACs, IPv6 addresses, metadata, tun_id, ct_label) are bigints. A header slot is `undefined` when the
// packet does not have that header (OVS prerequisites not met): a match on it then fails, as in OVS. Views
// such as xreg0 (= reg0:reg1), vlan_vid (low 13 bits of vlan_tci) or ip_dscp (nw_tos >> 2) are lists of
// slot parts, most significant first, interpreted by the generic get/set and the match compiler below.
import type { FieldDef } from '../../core/openflow';
import type { FlowKey } from '../../core/packet';
import { assert } from '../../core/util/assert';

/** One storage slot: ≤ 32 bits of a field (wide fields are split into several), as an unsigned number. */
interface SlotDef { readonly name: string; readonly bits: number; readonly meta: boolean }

const narrowHeader = [
  'eth_type', 'vlan_tci', 'arp_op', 'arp_spa', 'arp_tpa', 'ip_src', 'ip_dst', 'ipv6_label', 'nw_proto', 'nw_tos',
  'ip_ecn', 'nw_ttl', 'ip_frag', 'tcp_src', 'tcp_dst', 'tcp_flags', 'udp_src', 'udp_dst', 'sctp_src', 'sctp_dst',
  'icmp_type', 'icmp_code', 'icmpv6_type', 'icmpv6_code',
] as const;
const wideHeader = ['eth_src', 'eth_dst', 'arp_sha', 'arp_tha', 'ipv6_src', 'ipv6_dst', 'nd_target', 'nd_sll', 'nd_tll'] as const;
const narrowMeta = [
  'in_port', 'pkt_mark', 'ct_state', 'ct_zone', 'ct_mark', 'conj_id', 'tun_src', 'tun_dst', 'tun_metadata0',
  'ct_nw_proto', 'ct_nw_src', 'ct_nw_dst', 'ct_tp_src', 'ct_tp_dst', 'dp_hash', 'recirc_id', 'skb_priority',
  'actset_output',
  ...Array.from({ length: 16 }, (_, i) => `reg${i}`),
] as const;
const wideMeta = ['metadata', 'tun_id', 'ct_label'] as const;

const bitsOf: Record<string, number> = {
  eth_type: 16, vlan_tci: 16, arp_op: 16, ipv6_label: 20, nw_proto: 8, nw_tos: 8, ip_ecn: 2, nw_ttl: 8, ip_frag: 2,
  tcp_src: 16, tcp_dst: 16, tcp_flags: 12, udp_src: 16, udp_dst: 16, sctp_src: 16, sctp_dst: 16, icmp_type: 8,
  icmp_code: 8, icmpv6_type: 8, icmpv6_code: 8, eth_src: 48, eth_dst: 48, arp_sha: 48, arp_tha: 48, nd_sll: 48,
  nd_tll: 48, ipv6_src: 128, ipv6_dst: 128, nd_target: 128, ct_zone: 16, ct_nw_proto: 8, ct_tp_src: 16,
  ct_tp_dst: 16, metadata: 64, tun_id: 64, ct_label: 128, in_port: 32,
};

/** Widths of the 32-bit (or narrower, most significant first) slots a wide field is split into. */
function splitBits(bits: number): number[] {
  const out: number[] = [];
  for (let rest = bits; rest > 0; rest -= 32) out.unshift(Math.min(32, rest));
  return out;
}

const defs: SlotDef[] = [];
/** Field name → its slots, most significant first (one for narrow fields). */
const fieldSlots = new Map<string, number[]>();
function declare(name: string, meta: boolean): void {
  const bits = bitsOf[name] ?? 32;
  const slots = splitBits(bits).map((b, i, all) => {
    defs.push({ name: all.length === 1 ? name : `${name}#${i}`, bits: b, meta });
    return defs.length - 1;
  });
  fieldSlots.set(name, slots);
}
for (const n of narrowHeader) declare(n, false);
for (const n of wideHeader) declare(n, false);
for (const n of narrowMeta) declare(n, true);
for (const n of wideMeta) declare(n, true);

export const slotDefs: readonly SlotDef[] = defs;
export const slotCount = slotDefs.length;

/** The slot of a narrow field. */
export function slot(name: string): number {
  const i = fieldSlots.get(name);
  assert(i !== undefined && i.length === 1, `vswitch: no single storage slot named ${name}`);
  return i[0]!;
}

/** Slot values (unsigned 32-bit numbers; undefined for an absent header); index with `slot(name)` or S. */
export type Slots = (number | undefined)[];

export function slotIsMeta(i: number): boolean {
  return slotDefs[i]!.meta;
}

/** Frequently used slots, resolved once. */
export const S = {
  in_port: slot('in_port'), eth_type: slot('eth_type'), vlan_tci: slot('vlan_tci'), nw_proto: slot('nw_proto'),
  nw_ttl: slot('nw_ttl'), ip_src: slot('ip_src'), ip_dst: slot('ip_dst'), tcp_src: slot('tcp_src'), tcp_dst: slot('tcp_dst'),
  udp_src: slot('udp_src'), udp_dst: slot('udp_dst'), sctp_src: slot('sctp_src'), sctp_dst: slot('sctp_dst'),
  icmp_type: slot('icmp_type'), icmp_code: slot('icmp_code'), icmpv6_type: slot('icmpv6_type'), icmpv6_code: slot('icmpv6_code'),
  ct_state: slot('ct_state'), ct_zone: slot('ct_zone'), ct_mark: slot('ct_mark'), ct_nw_proto: slot('ct_nw_proto'),
  ct_nw_src: slot('ct_nw_src'), ct_nw_dst: slot('ct_nw_dst'), ct_tp_src: slot('ct_tp_src'), ct_tp_dst: slot('ct_tp_dst'),
  conj_id: slot('conj_id'), tun_src: slot('tun_src'), tun_dst: slot('tun_dst'), tun_metadata0: slot('tun_metadata0'),
  reg0: slot('reg0'), actset_output: slot('actset_output'), tcp_flags: slot('tcp_flags'),
} as const;

/** ct_state bits (ovs-fields "ct_state"). */
export const ctBits = { new: 0x01, est: 0x02, rel: 0x04, rpl: 0x08, inv: 0x10, trk: 0x20, snat: 0x40, dnat: 0x80 } as const;

/** Slots of the flow-key fields, resolved once. slotsFromKey reads each field by name in code (not through a
 * name table) because keyed property loads made extraction several times slower on the hot path. */
const L = {
  eth_type: slot('eth_type'), vlan_tci: slot('vlan_tci'), arp_op: slot('arp_op'), arp_spa: slot('arp_spa'), arp_tpa: slot('arp_tpa'), ip_src: slot('ip_src'), ip_dst: slot('ip_dst'), ipv6_label: slot('ipv6_label'), nw_proto: slot('nw_proto'), nw_tos: slot('nw_tos'), ip_ecn: slot('ip_ecn'), nw_ttl: slot('nw_ttl'), ip_frag: slot('ip_frag'), tcp_src: slot('tcp_src'), tcp_dst: slot('tcp_dst'), tcp_flags: slot('tcp_flags'), udp_src: slot('udp_src'), udp_dst: slot('udp_dst'), sctp_src: slot('sctp_src'), sctp_dst: slot('sctp_dst'), icmp_type: slot('icmp_type'), icmp_code: slot('icmp_code'), icmpv6_type: slot('icmpv6_type'), icmpv6_code: slot('icmpv6_code'), tun_src: slot('tun_src'), tun_dst: slot('tun_dst'), tun_metadata0: slot('tun_metadata0'),
} as const;
const WL = {
  eth_src: fieldSlots.get('eth_src')!, eth_dst: fieldSlots.get('eth_dst')!, arp_sha: fieldSlots.get('arp_sha')!, arp_tha: fieldSlots.get('arp_tha')!, ipv6_src: fieldSlots.get('ipv6_src')!, ipv6_dst: fieldSlots.get('ipv6_dst')!, nd_target: fieldSlots.get('nd_target')!, nd_sll: fieldSlots.get('nd_sll')!, nd_tll: fieldSlots.get('nd_tll')!,
} as const;

/** Metadata zeroed, headers absent: the starting point of every packet's slots. */
const template: Slots = slotDefs.map((d) => (d.meta ? 0 : undefined));

function putWide(s: Slots, slots: readonly number[], v: bigint): void {
  for (let j = slots.length - 1; j >= 0; j--) {
    s[slots[j]!] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
}

/** Fresh state for a packet: metadata zeroed, headers from the flow key (absent stays undefined). */
export function slotsFromKey(k: FlowKey): Slots {
  const s = template.slice();
  s[S.in_port] = k.in_port >>> 0;
  s[L.eth_type] = k.eth_type;
  s[L.vlan_tci] = k.vlan_tci;
  s[L.arp_op] = k.arp_op;
  s[L.arp_spa] = k.arp_spa;
  s[L.arp_tpa] = k.arp_tpa;
  s[L.ip_src] = k.ip_src;
  s[L.ip_dst] = k.ip_dst;
  s[L.ipv6_label] = k.ipv6_label;
  s[L.nw_proto] = k.nw_proto;
  s[L.nw_tos] = k.nw_tos;
  s[L.ip_ecn] = k.ip_ecn;
  s[L.nw_ttl] = k.nw_ttl;
  s[L.ip_frag] = k.ip_frag;
  s[L.tcp_src] = k.tcp_src;
  s[L.tcp_dst] = k.tcp_dst;
  s[L.tcp_flags] = k.tcp_flags;
  s[L.udp_src] = k.udp_src;
  s[L.udp_dst] = k.udp_dst;
  s[L.sctp_src] = k.sctp_src;
  s[L.sctp_dst] = k.sctp_dst;
  s[L.icmp_type] = k.icmp_type;
  s[L.icmp_code] = k.icmp_code;
  s[L.icmpv6_type] = k.icmpv6_type;
  s[L.icmpv6_code] = k.icmpv6_code;
  s[L.tun_src] = k.tun_src;
  s[L.tun_dst] = k.tun_dst;
  s[L.tun_metadata0] = k.tun_metadata0;
  if (k.tun_src === undefined) { s[L.tun_src] = 0; s[L.tun_dst] = 0; }
  if (k.eth_src !== undefined) putWide(s, WL.eth_src, k.eth_src);
  if (k.eth_dst !== undefined) putWide(s, WL.eth_dst, k.eth_dst);
  if (k.arp_sha !== undefined) putWide(s, WL.arp_sha, k.arp_sha);
  if (k.arp_tha !== undefined) putWide(s, WL.arp_tha, k.arp_tha);
  if (k.ipv6_src !== undefined) putWide(s, WL.ipv6_src, k.ipv6_src);
  if (k.ipv6_dst !== undefined) putWide(s, WL.ipv6_dst, k.ipv6_dst);
  if (k.nd_target !== undefined) putWide(s, WL.nd_target, k.nd_target);
  if (k.nd_sll !== undefined) putWide(s, WL.nd_sll, k.nd_sll);
  if (k.nd_tll !== undefined) putWide(s, WL.nd_tll, k.nd_tll);
  if (k.tun_id !== undefined) putWide(s, fieldSlots.get('tun_id')!, k.tun_id);
  return s;
}

/** One part of a field: `bits` bits of slot `slot` starting at bit `shift`. */
export interface FieldPart { readonly slot: number; readonly shift: number; readonly bits: number }

function whole(name: string): FieldPart[] {
  const slots = fieldSlots.get(name);
  assert(slots !== undefined, `vswitch: no field ${name}`);
  return slots.map((i) => ({ slot: i, shift: 0, bits: slotDefs[i]!.bits }));
}

/** Field name (ovs-fields, as in core/openflow's field table) → its parts, most significant first. */
const views = new Map<string, FieldPart[]>();
for (const name of fieldSlots.keys()) views.set(name, whole(name));
for (let i = 0; i < 8; i++) views.set(`xreg${i}`, [...whole(`reg${2 * i}`), ...whole(`reg${2 * i + 1}`)]);
for (let i = 0; i < 4; i++) views.set(`xxreg${i}`, [0, 1, 2, 3].flatMap((j) => whole(`reg${4 * i + j}`)));
views.set('in_port_oxm', whole('in_port'));
views.set('vlan_vid', [{ slot: S.vlan_tci, shift: 0, bits: 13 }]);
views.set('vlan_pcp', [{ slot: S.vlan_tci, shift: 13, bits: 3 }]);
views.set('dl_vlan', [{ slot: S.vlan_tci, shift: 0, bits: 12 }]);
views.set('dl_vlan_pcp', [{ slot: S.vlan_tci, shift: 13, bits: 3 }]);
views.set('ip_dscp', [{ slot: slot('nw_tos'), shift: 2, bits: 6 }]);
views.set('nw_ecn', whole('ip_ecn'));

/** Parts of the wide fields the switch itself reads or writes. */
export const W = {
  eth_src: whole('eth_src'), eth_dst: whole('eth_dst'), arp_sha: whole('arp_sha'), arp_tha: whole('arp_tha'),
  ipv6_src: whole('ipv6_src'), ipv6_dst: whole('ipv6_dst'), metadata: whole('metadata'), tun_id: whole('tun_id'),
  ct_label: whole('ct_label'),
} as const;

/** Whether any slot of a field differs between two states. */
export function partsDiffer(a: Slots, b: Slots, parts: readonly FieldPart[]): boolean {
  for (const p of parts) if (a[p.slot] !== b[p.slot]) return true;
  return false;
}

/** Sets a whole field (all bits). */
export function setWhole(s: Slots, parts: readonly FieldPart[], v: bigint): void {
  setField(s, parts, v, (1n << BigInt(parts.reduce((n, p) => n + p.bits, 0))) - 1n);
}

export function fieldParts(f: FieldDef): FieldPart[] {
  const p = views.get(f.name);
  if (!p) throw new RangeError(`vswitch: field ${f.name} is not supported by the simulated switch`);
  return p;
}

const mask32 = 0xffffffffn;

/** The field's value (bigint, any width), or undefined when its header is absent. */
export function getField(s: Slots, parts: readonly FieldPart[]): bigint | undefined {
  let v = 0n;
  for (const p of parts) {
    const raw = s[p.slot];
    if (raw === undefined) return undefined;
    const big = BigInt(raw >>> 0);
    v = (v << BigInt(p.bits)) | ((big >> BigInt(p.shift)) & ((1n << BigInt(p.bits)) - 1n));
  }
  return v;
}

/** Writes `value` under `mask` (both aligned to the field's bit 0). Absent headers are left absent (OVS
 * ignores set_field on a field whose prerequisites the packet does not meet). */
export function setField(s: Slots, parts: readonly FieldPart[], value: bigint, mask: bigint): void {
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    const pm = (mask & ((1n << BigInt(p.bits)) - 1n)) << BigInt(p.shift);
    const pv = (value & ((1n << BigInt(p.bits)) - 1n)) << BigInt(p.shift);
    value >>= BigInt(p.bits);
    mask >>= BigInt(p.bits);
    if (pm === 0n) continue;
    // Metadata that starts absent (tun_metadata0 off a tunnel) comes into being when written.
    const raw = s[p.slot] ?? (slotDefs[p.slot]!.meta ? 0 : undefined);
    if (raw === undefined) continue;
    s[p.slot] = Number(((BigInt(raw >>> 0) & ~pm) | (pv & pm)) & mask32);
  }
}

export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** One compiled test of a match: (slot & mask) === value. */
export interface SlotTest { readonly slot: number; readonly mask: number; readonly value: number }

/** Compiles a field match (value/mask aligned to bit 0 of the field) into slot tests. */
export function compileFieldTest(parts: readonly FieldPart[], value: bigint, mask: bigint): SlotTest[] {
  const out: SlotTest[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    const width = (1n << BigInt(p.bits)) - 1n;
    const pm = (mask & width) << BigInt(p.shift);
    const pv = (value & width) << BigInt(p.shift) & pm;
    value >>= BigInt(p.bits);
    mask >>= BigInt(p.bits);
    if (pm === 0n) continue;
    out.push({ slot: p.slot, mask: Number(pm) | 0, value: Number(pv) | 0 });
  }
  return out;
}

/** True when every test holds; compared as signed 32-bit (both sides `| 0`). */
export function testsHold(s: Slots, tests: readonly SlotTest[]): boolean {
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i]!;
    const v = s[t.slot];
    if (v === undefined || (v & t.mask) !== t.value) return false;
  }
  return true;
}
