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

type SlotKind = 'n' | 'b';
/** One storage slot: its name (the FlowKey or metadata field it holds), width and kind. */
interface SlotDef { readonly name: string; readonly bits: number; readonly kind: SlotKind; readonly meta: boolean }

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

export const slotDefs: readonly SlotDef[] = [
  ...narrowHeader.map((name) => ({ name, bits: bitsOf[name] ?? 32, kind: 'n' as const, meta: false })),
  ...wideHeader.map((name) => ({ name, bits: bitsOf[name]!, kind: 'b' as const, meta: false })),
  ...narrowMeta.map((name) => ({ name, bits: bitsOf[name] ?? 32, kind: 'n' as const, meta: true })),
  ...wideMeta.map((name) => ({ name, bits: bitsOf[name]!, kind: 'b' as const, meta: true })),
];
export const slotCount = slotDefs.length;
const slotIndex = new Map(slotDefs.map((d, i) => [d.name, i]));

export function slot(name: string): number {
  const i = slotIndex.get(name);
  assert(i !== undefined, `vswitch: no storage slot named ${name}`);
  return i;
}

export function slotIsNarrow(i: number): boolean {
  return slotDefs[i]!.kind === 'n';
}
export function slotIsMeta(i: number): boolean {
  return slotDefs[i]!.meta;
}

/** Slot values; index with `slot(name)` or the S constants. */
export type Slots = (number | bigint | undefined)[];

/** Frequently used slots, resolved once. */
export const S = {
  in_port: slot('in_port'), eth_type: slot('eth_type'), vlan_tci: slot('vlan_tci'), nw_proto: slot('nw_proto'),
  nw_ttl: slot('nw_ttl'), ip_src: slot('ip_src'), ip_dst: slot('ip_dst'), ipv6_src: slot('ipv6_src'),
  ipv6_dst: slot('ipv6_dst'), tcp_src: slot('tcp_src'), tcp_dst: slot('tcp_dst'), udp_src: slot('udp_src'),
  udp_dst: slot('udp_dst'), sctp_src: slot('sctp_src'), sctp_dst: slot('sctp_dst'), icmp_type: slot('icmp_type'),
  icmp_code: slot('icmp_code'), icmpv6_type: slot('icmpv6_type'), icmpv6_code: slot('icmpv6_code'),
  ct_state: slot('ct_state'), ct_zone: slot('ct_zone'), ct_mark: slot('ct_mark'), ct_label: slot('ct_label'),
  ct_nw_proto: slot('ct_nw_proto'), ct_nw_src: slot('ct_nw_src'), ct_nw_dst: slot('ct_nw_dst'),
  ct_tp_src: slot('ct_tp_src'), ct_tp_dst: slot('ct_tp_dst'), conj_id: slot('conj_id'), metadata: slot('metadata'),
  tun_id: slot('tun_id'), tun_src: slot('tun_src'), tun_dst: slot('tun_dst'), tun_metadata0: slot('tun_metadata0'),
  eth_src: slot('eth_src'), eth_dst: slot('eth_dst'), reg0: slot('reg0'), actset_output: slot('actset_output'),
} as const;

/** ct_state bits (ovs-fields "ct_state"). */
export const ctBits = { new: 0x01, est: 0x02, rel: 0x04, rpl: 0x08, inv: 0x10, trk: 0x20, snat: 0x40, dnat: 0x80 } as const;

/** Fresh state for a packet: metadata zeroed, headers from the flow key (absent stays undefined). */
export function slotsFromKey(key: FlowKey): Slots {
  const s: Slots = new Array(slotCount);
  const k = key as unknown as Record<string, number | bigint | undefined>;
  for (let i = 0; i < slotCount; i++) {
    const d = slotDefs[i]!;
    const v = k[d.name];
    s[i] = v !== undefined ? v : d.meta ? (d.kind === 'b' ? 0n : 0) : undefined;
  }
  // FlowKey keeps DSCP in nw_tos and ECN apart, as we do; tunnel fields absent on non-tunnel packets are 0 in OVS.
  if (key.tun_metadata0 === undefined) s[S.tun_metadata0] = undefined;
  return s;
}

/** One part of a field: `bits` bits of slot `slot` starting at bit `shift`. */
export interface FieldPart { readonly slot: number; readonly shift: number; readonly bits: number }

function whole(name: string): FieldPart[] {
  const i = slot(name);
  return [{ slot: i, shift: 0, bits: slotDefs[i]!.bits }];
}

/** Field name (ovs-fields, as in core/openflow's field table) → its parts, most significant first. */
const views = new Map<string, FieldPart[]>();
for (const d of slotDefs) views.set(d.name, whole(d.name));
for (let i = 0; i < 8; i++) views.set(`xreg${i}`, [...whole(`reg${2 * i}`), ...whole(`reg${2 * i + 1}`)]);
for (let i = 0; i < 4; i++) views.set(`xxreg${i}`, [0, 1, 2, 3].flatMap((j) => whole(`reg${4 * i + j}`)));
views.set('in_port_oxm', whole('in_port'));
views.set('vlan_vid', [{ slot: S.vlan_tci, shift: 0, bits: 13 }]);
views.set('vlan_pcp', [{ slot: S.vlan_tci, shift: 13, bits: 3 }]);
views.set('dl_vlan', [{ slot: S.vlan_tci, shift: 0, bits: 12 }]);
views.set('dl_vlan_pcp', [{ slot: S.vlan_tci, shift: 13, bits: 3 }]);
views.set('ip_dscp', [{ slot: slot('nw_tos'), shift: 2, bits: 6 }]);
views.set('nw_ecn', whole('ip_ecn'));

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
    const big = typeof raw === 'bigint' ? raw : BigInt(raw >>> 0);
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
    const def = slotDefs[p.slot]!;
    // Metadata that starts absent (tun_metadata0 off a tunnel) comes into being when written.
    const raw = s[p.slot] ?? (def.meta ? (def.kind === 'b' ? 0n : 0) : undefined);
    if (raw === undefined) continue;
    if (typeof raw === 'bigint') s[p.slot] = (raw & ~pm) | (pv & pm);
    else s[p.slot] = Number(((BigInt(raw >>> 0) & ~pm) | (pv & pm)) & mask32);
  }
}

export function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** One compiled test of a match: (slot & mask) === value. */
export interface SlotTest { readonly slot: number; readonly mask: number | bigint; readonly value: number | bigint }

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
    if (slotDefs[p.slot]!.kind === 'b') out.push({ slot: p.slot, mask: pm, value: pv });
    else out.push({ slot: p.slot, mask: Number(pm) | 0, value: Number(pv) | 0 });
  }
  return out;
}

/** True when every test holds; narrow slots compare as signed 32-bit (both sides `| 0`). */
export function testsHold(s: Slots, tests: readonly SlotTest[]): boolean {
  for (let i = 0; i < tests.length; i++) {
    const t = tests[i]!;
    const v = s[t.slot];
    if (v === undefined) return false;
    if (typeof v === 'number') {
      if ((v & (t.mask as number)) !== t.value) return false;
    } else if ((v & (t.mask as bigint)) !== t.value) return false;
  }
  return true;
}
