// The traced packet: values of the root logical fields (as core/lflow's evaluate() reads them) plus the
// conntrack "original direction" fields that ct_lb records and chk_lb_hairpin reads.
//
// Upstream ovn-trace keeps one OVS `struct flow`, where several logical fields share storage: arp.spa is
// nw_src like ip4.src, arp.op is nw_proto, tcp/udp/sctp ports and ICMP type/code are tp_src/tp_dst. Our
// symbol table gives them separate roots, so every write is mirrored to the roots that share the OVS
// field (aliasGroups), keeping reads through any of the names consistent.
import { ones } from '../lflow/expr';
import { resolveField, type TypedField } from '../lflow/check-match';
import type { FieldRef } from '../lflow/syntax';
import type { LogicalSymbol, Symtab } from '../lflow/symtab';
import { LflowError } from '../lflow/errors';

/** OVS flow members that several OpenFlow field ids (and so several logical roots) are views of. */
const aliasGroups: ReadonlyArray<ReadonlyArray<string>> = [
  ['MFF_IPV4_SRC', 'MFF_ARP_SPA'],
  ['MFF_IPV4_DST', 'MFF_ARP_TPA'],
  ['MFF_IP_PROTO', 'MFF_ARP_OP'],
  // OVS keeps ND's source/target link-layer addresses in arp_sha/arp_tha.
  ['MFF_ARP_SHA', 'MFF_ND_SLL'],
  ['MFF_ARP_THA', 'MFF_ND_TLL'],
  ['MFF_TCP_SRC', 'MFF_UDP_SRC', 'MFF_SCTP_SRC', 'MFF_ICMPV4_TYPE', 'MFF_ICMPV6_TYPE'],
  ['MFF_TCP_DST', 'MFF_UDP_DST', 'MFF_SCTP_DST', 'MFF_ICMPV4_CODE', 'MFF_ICMPV6_CODE'],
];

/** Roots that upstream counts as registers (mf_is_register): writes to them are not "packet changes". */
const registerOfIds = /^MFF_(X?X?REG\d+)$/;

/** Conntrack original-direction fields (not logical symbols; set by ct_lb, read by chk_lb_hairpin). */
export interface CtOrig {
  nwDst: bigint;
  ip6Dst: bigint;
  tpDst: bigint;
}

export class TracePacket {
  private readonly aliases: ReadonlyMap<string, readonly LogicalSymbol[]>;

  constructor(
    readonly symtab: Symtab,
    readonly values: Map<string, bigint | string> = new Map(),
    readonly ctOrig: CtOrig = { nwDst: 0n, ip6Dst: 0n, tpDst: 0n },
    aliases?: ReadonlyMap<string, readonly LogicalSymbol[]>,
  ) {
    this.aliases = aliases ?? buildAliases(symtab);
  }

  clone(): TracePacket {
    return new TracePacket(this.symtab, new Map(this.values), { ...this.ctOrig }, this.aliases);
  }

  field(name: string): TypedField {
    const s = this.symtab.get(name);
    if (!s) throw new LflowError(0, `unknown field ${name}`);
    return { symbol: s, ofs: 0, bits: s.width };
  }

  resolve(ref: FieldRef): TypedField {
    return resolveField(ref, this.symtab);
  }

  /** Integer value of a (sub)field. */
  read(f: TypedField): bigint {
    const place = this.symtab.place(f.symbol);
    const raw = this.values.get(place.root.name);
    const v = typeof raw === 'bigint' ? raw : 0n;
    return (v >> BigInt(place.ofs + f.ofs)) & ones(f.bits);
  }

  get(name: string): bigint {
    return this.read(this.field(name));
  }

  getString(name: string): string {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : '';
  }

  setString(name: string, value: string): void {
    this.values.set(name, value);
  }

  write(f: TypedField, value: bigint): void {
    const place = this.symtab.place(f.symbol);
    const root = place.root;
    const shift = BigInt(place.ofs + f.ofs);
    const mask = ones(f.bits) << shift;
    const raw = this.values.get(root.name);
    const old = typeof raw === 'bigint' ? raw : 0n;
    const next = (old & ~mask) | ((value << shift) & mask);
    this.values.set(root.name, next);
    for (const alias of this.aliases.get(root.name) ?? []) this.values.set(alias.name, next & ones(alias.width));
  }

  set(name: string, value: bigint): void {
    this.write(this.field(name), value);
  }

  /** Whether a root symbol is a register (upstream mf_is_register), so writes to it are not shown. */
  isRegister(f: TypedField): boolean {
    const root = this.symtab.place(f.symbol).root;
    if (root.name === 'inport' || root.name === 'outport') return true;
    return root.of !== null && registerOfIds.test(root.of.id);
  }

  /** Zeroes every register but inport/outport, as upstream does on entering the egress pipeline. */
  clearRegisters(): void {
    for (const name of [...this.values.keys()]) {
      const s = this.symtab.get(name);
      if (!s || name === 'inport' || name === 'outport') continue;
      if (s.of !== null && registerOfIds.test(s.of.id)) this.values.delete(name);
    }
  }

  /** Upstream flow_clear_conntrack: ct_state, ct_mark, ct_label and the original-direction tuple. */
  clearConntrack(): void {
    for (const n of ['ct_state', 'ct_mark', 'ct_label']) this.values.delete(n);
    this.ctOrig.nwDst = 0n;
    this.ctOrig.ip6Dst = 0n;
    this.ctOrig.tpDst = 0n;
  }
}

function buildAliases(symtab: Symtab): Map<string, LogicalSymbol[]> {
  const byOf = new Map<string, LogicalSymbol[]>();
  for (const s of symtab.all()) {
    if (s.parent !== null || s.of === null || s.width === 0) continue;
    const list = byOf.get(s.of.id) ?? [];
    list.push(s);
    byOf.set(s.of.id, list);
  }
  const out = new Map<string, LogicalSymbol[]>();
  for (const group of [...aliasGroups, ...[...byOf.keys()].map((id) => [id])]) {
    const roots = group.flatMap((id) => byOf.get(id) ?? []);
    for (const r of roots) {
      const others = roots.filter((o) => o !== r);
      if (others.length > 0) out.set(r.name, [...(out.get(r.name) ?? []), ...others.filter((o) => !(out.get(r.name) ?? []).includes(o))]);
    }
  }
  return out;
}
