// Prints a match the way ovs-ofctl does (OVS match_format): first the OXM entries are folded into one
// value/mask per logical flow field (xreg/xxreg split into 32-bit regs, in_port_oxm -> in_port, ip_dscp
// -> nw_tos, vlan_vid/vlan_pcp -> vlan_tci), then fields are printed in OVS's fixed order.

import { bigIntToBytes, bytesToBigInt } from '../bytes';
import type { Match } from '../match';
import { fieldByName } from '../oxm-fields';
import {
  ctStateMasked, formatFieldValue, ipv4Masked, ipv6Masked, macMasked, ofp11PortTo16, portName, putHex,
} from './values';

/** One logical flow field: value and mask (value already masked), width in bytes. */
export interface Slot { v: bigint; m: bigint; bytes: number }
/** The match folded to one slot per logical field, keyed by field name (xregs split into regs). */
export type FlowView = Map<string, Slot>;

/** All-ones masks by byte count, built once (match encoding asks for them for every field). */
const onesByBytes: bigint[] = Array.from({ length: 129 }, (_, n) => (1n << BigInt(8 * n)) - 1n);

export function ones(bytes: number): bigint {
  return onesByBytes[bytes] ?? (1n << BigInt(8 * bytes)) - 1n;
}

export function put(view: FlowView, name: string, v: bigint, m: bigint, bytes: number): void {
  if (m === 0n) return;
  const prev = view.get(name);
  if (prev) view.set(name, { v: (prev.v & ~m) | (v & m), m: prev.m | m, bytes });
  else view.set(name, { v: v & m, m, bytes });
}

export function flowView(match: Match): FlowView {
  const view: FlowView = new Map();
  for (const e of match) {
    const bytes = e.value.length;
    const v = bytesToBigInt(e.value);
    const m = e.mask ? bytesToBigInt(e.mask) : ones(bytes);
    const name = e.field.name;
    const xreg = /^xreg(\d+)$/.exec(name);
    const xxreg = /^xxreg(\d+)$/.exec(name);
    if (xreg) {
      const i = Number(xreg[1]);
      put(view, `reg${2 * i}`, v >> 32n, m >> 32n, 4);
      put(view, `reg${2 * i + 1}`, v & 0xffffffffn, m & 0xffffffffn, 4);
    } else if (xxreg) {
      const i = Number(xxreg[1]);
      for (let k = 0; k < 4; k++) {
        const shift = BigInt(32 * (3 - k));
        put(view, `reg${4 * i + k}`, (v >> shift) & 0xffffffffn, (m >> shift) & 0xffffffffn, 4);
      }
    } else if (name === 'in_port_oxm') {
      put(view, 'in_port', BigInt(ofp11PortTo16(Number(v))), 0xffffn, 2);
    } else if (name === 'ip_dscp') {
      put(view, 'nw_tos', (v << 2n) & 0xfcn, 0xfcn, 1);
    } else if (name === 'nw_tos') {
      put(view, 'nw_tos', v & 0xfcn, 0xfcn, 1);
    } else if (name === 'nw_ecn') {
      put(view, 'nw_ecn', v & 3n, 3n, 1);
    } else if (name === 'vlan_vid') {
      // OXM VID carries OFPVID_PRESENT (0x1000), which is the CFI bit of the TCI.
      put(view, 'vlan_tci', v & 0x1fffn, m & 0x1fffn, 2);
    } else if (name === 'vlan_pcp') {
      put(view, 'vlan_tci', (v & 7n) << 13n, 0xe000n, 2);
    } else {
      put(view, name, v, m, bytes);
    }
  }
  return view;
}

const tcpFlagNames = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns', '[200]', '[400]', '[800]'];
const ethTypeIp = 0x0800n;
const ethTypeIpv6 = 0x86ddn;
const ethTypeArp = 0x0806n;
const ethTypeRarp = 0x8035n;

export function formatMatch(match: Match, priority?: number): string {
  const f = flowView(match);
  const parts: string[] = [];
  // Every field the fixed-order printer looks at is marked; anything left is printed generically at the end
  // (fields OVS prints rarely: nsh, erspan, gtpu, ...), so nothing in a match is ever silently dropped.
  const seen = new Set<string>();
  const get = (n: string) => { seen.add(n); return f.get(n); };
  const b = (s: Slot) => bigIntToBytes(s.v, s.bytes);
  const mb = (s: Slot) => bigIntToBytes(s.m, s.bytes);
  const full = (s: Slot) => s.m === ones(s.bytes);
  const u32m = (name: string, s = get(name)) => {
    if (!s) return;
    const v = s.v === 0n ? '0' : `0x${s.v.toString(16)}`;
    parts.push(`${name}=${v}${full(s) ? '' : `/0x${s.m.toString(16)}`}`);
  };
  const decMasked = (name: string, s: Slot | undefined) => {
    if (!s) return;
    parts.push(`${name}=${full(s) ? s.v.toString() : `0x${s.v.toString(16)}/0x${s.m.toString(16)}`}`);
  };
  const ip4 = (name: string, s: Slot | undefined) => { if (s) parts.push(`${name}=${ipv4Masked(b(s), mb(s))}`); };
  const ip6 = (name: string, s: Slot | undefined) => { if (s) parts.push(`${name}=${ipv6Masked(b(s), mb(s))}`); };
  const eth = (name: string, s: Slot | undefined) => { if (s) parts.push(`${name}=${macMasked(b(s), mb(s))}`); };

  if (priority !== undefined && priority !== 0x8000) parts.push(`priority=${priority}`);
  u32m('pkt_mark');
  u32m('recirc_id');
  u32m('dp_hash');
  const conj = get('conj_id');
  if (conj) parts.push(`conj_id=${conj.v}`);
  const actset = get('actset_output');
  if (actset) parts.push(`actset_output=${portName(ofp11PortTo16(Number(actset.v)))}`);
  const cts = get('ct_state');
  if (cts) parts.push(`ct_state=${ctStateMasked(Number(cts.v), Number(cts.m))}`);
  const zone = get('ct_zone');
  if (zone) parts.push(`ct_zone=${full(zone) ? zone.v : `0x${zone.v.toString(16)}/0x${zone.m.toString(16)}`}`);
  u32m('ct_mark');
  const label = get('ct_label');
  if (label) parts.push(`ct_label=${putHex(b(label))}${full(label) ? '' : `/${putHex(mb(label))}`}`);
  ip4('ct_nw_src', get('ct_nw_src'));
  ip6('ct_ipv6_src', get('ct_ipv6_src'));
  ip4('ct_nw_dst', get('ct_nw_dst'));
  ip6('ct_ipv6_dst', get('ct_ipv6_dst'));
  const ctProto = get('ct_nw_proto');
  if (ctProto) {
    parts.push(`ct_nw_proto=${ctProto.v}`);
    decMasked('ct_tp_src', get('ct_tp_src'));
    decMasked('ct_tp_dst', get('ct_tp_dst'));
  }

  // packet_type (absent = Ethernet, OVS's default) is printed when not Ethernet, or always in a megaflow
  // (recirc_id matched).
  const pt = get('packet_type');
  if ((pt && pt.v !== 0n) || get('recirc_id')) {
    parts.push(!pt || pt.v === 0n ? 'eth' : `packet_type=(${pt.v >> 16n},0x${(pt.v & 0xffffn).toString(16)})`);
  }
  const dlTypeSlot = get('eth_type');
  const dlType = dlTypeSlot?.v;
  const protoSlot = get('nw_proto');
  const proto = protoSlot?.v;
  let skipType = false;
  let skipProto = false;
  if (dlTypeSlot) {
    skipType = true;
    if (dlType === ethTypeIp || dlType === ethTypeIpv6) {
      const six = dlType === ethTypeIpv6 ? '6' : '';
      const names: Record<string, string> = dlType === ethTypeIp
        ? { 1: 'icmp', 6: 'tcp', 17: 'udp', 132: 'sctp' } : { 58: 'icmp6', 6: 'tcp6', 17: 'udp6', 132: 'sctp6' };
      const n = protoSlot ? names[String(proto)] : undefined;
      if (n) { skipProto = true; parts.push(n); } else parts.push(six ? 'ipv6' : 'ip');
    } else if (dlType === ethTypeArp) parts.push('arp');
    else if (dlType === ethTypeRarp) parts.push('rarp');
    else if (dlType === 0x8847n) parts.push('mpls');
    else if (dlType === 0x8848n) parts.push('mplsm');
    else skipType = false;
  }
  for (let i = 0; i < 16; i++) u32m(`reg${i}`);
  // Tunnel fields (format_flow_tunnel).
  const tunId = get('tun_id');
  if (tunId) parts.push(`tun_id=${tunId.v === 0n ? '0' : `0x${tunId.v.toString(16)}`}${full(tunId) ? '' : `/0x${tunId.m.toString(16)}`}`);
  ip4('tun_src', get('tun_src'));
  ip4('tun_dst', get('tun_dst'));
  ip6('tun_ipv6_src', get('tun_ipv6_src'));
  ip6('tun_ipv6_dst', get('tun_ipv6_dst'));
  decMasked('tun_gbp_id', get('tun_gbp_id'));
  const gbpFlags = get('tun_gbp_flags');
  if (gbpFlags) parts.push(`tun_gbp_flags=${gbpFlags.v === 0n ? '0' : `0x${gbpFlags.v.toString(16)}`}`);
  const tunFlags = get('tun_flags');
  if (tunFlags) parts.push(`tun_flags=${tunFlags.v & 1n ? '+' : '-'}oam`);
  for (let i = 0; i < 64; i++) {
    const s = get(`tun_metadata${i}`);
    if (s) parts.push(`tun_metadata${i}=${putHex(b(s))}${full(s) ? '' : `/${putHex(mb(s))}`}`);
  }
  const md = get('metadata');
  if (md) parts.push(`metadata=${md.v === 0n ? '0' : `0x${md.v.toString(16)}`}${full(md) ? '' : `/0x${md.m.toString(16)}`}`);
  const inPort = get('in_port');
  if (inPort) parts.push(`in_port=${portName(Number(inPort.v))}`);
  const tci = get('vlan_tci');
  if (tci) {
    const vidMask = tci.m & 0x0fffn;
    const pcpMask = tci.m & 0xe000n;
    const cfi = tci.m & 0x1000n;
    if (cfi && tci.v & 0x1000n && (vidMask === 0n || vidMask === 0x0fffn) && (pcpMask === 0n || pcpMask === 0xe000n) && (vidMask || pcpMask)) {
      if (vidMask) parts.push(`dl_vlan=${tci.v & 0x0fffn}`);
      if (pcpMask) parts.push(`dl_vlan_pcp=${(tci.v >> 13n) & 7n}`);
    } else if (tci.m === 0xffffn) parts.push(`vlan_tci=0x${tci.v.toString(16).padStart(4, '0')}`);
    else parts.push(`vlan_tci=0x${tci.v.toString(16).padStart(4, '0')}/0x${tci.m.toString(16).padStart(4, '0')}`);
  }
  eth('dl_src', get('eth_src'));
  eth('dl_dst', get('eth_dst'));
  if (!skipType && dlTypeSlot) parts.push(`dl_type=0x${dlTypeSlot.v.toString(16).padStart(4, '0')}`);
  if (dlType === ethTypeIpv6) {
    ip6('ipv6_src', get('ipv6_src'));
    ip6('ipv6_dst', get('ipv6_dst'));
    const lbl = get('ipv6_label');
    if (lbl) parts.push(`ipv6_label=0x${lbl.v.toString(16).padStart(5, '0')}${full(lbl) || lbl.m === 0xfffffn ? '' : `/0x${lbl.m.toString(16).padStart(5, '0')}`}`);
  } else if (dlType === ethTypeArp || dlType === ethTypeRarp) {
    ip4('arp_spa', get('arp_spa'));
    ip4('arp_tpa', get('arp_tpa'));
  } else {
    ip4('nw_src', get('ip_src'));
    ip4('nw_dst', get('ip_dst'));
  }
  if (!skipProto && (protoSlot || get('arp_op'))) {
    const arp = dlType === ethTypeArp || dlType === ethTypeRarp;
    if (arp) { const op = get('arp_op'); if (op) parts.push(`arp_op=${op.v}`); } else parts.push(`nw_proto=${proto}`);
  }
  if (dlType === ethTypeArp || dlType === ethTypeRarp) {
    eth('arp_sha', get('arp_sha'));
    eth('arp_tha', get('arp_tha'));
  }
  const tos = get('nw_tos');
  if (tos) parts.push(`nw_tos=${tos.v}`);
  const ecn = get('nw_ecn');
  if (ecn) parts.push(`nw_ecn=${ecn.v}`);
  const ttl = get('nw_ttl');
  if (ttl) parts.push(`nw_ttl=${ttl.v}`);
  for (const n of ['mpls_label', 'mpls_tc', 'mpls_ttl', 'mpls_bos']) { const s = get(n); if (s) parts.push(`${n}=${s.v}`); }
  const frag = get('ip_frag');
  if (frag) {
    const m = frag.m & 3n;
    const v = frag.v;
    if (m === 3n) parts.push(`nw_frag=${v & 1n ? (v & 2n ? 'later' : 'first') : (v & 2n ? '<error>' : 'no')}`);
    else if (m === 1n) parts.push(`nw_frag=${v & 1n ? 'yes' : 'no'}`);
    else if (m === 2n) parts.push(`nw_frag=${v & 2n ? 'later' : 'not_later'}`);
  }
  if (dlType === ethTypeIp && proto === 1n) {
    decMasked('icmp_type', get('icmp_type'));
    decMasked('icmp_code', get('icmp_code'));
  } else if (dlType === ethTypeIpv6 && proto === 58n) {
    decMasked('icmp_type', get('icmpv6_type'));
    decMasked('icmp_code', get('icmpv6_code'));
    ip6('nd_target', get('nd_target'));
    eth('nd_sll', get('nd_sll'));
    eth('nd_tll', get('nd_tll'));
    decMasked('nd_reserved', get('nd_reserved'));
    decMasked('nd_options_type', get('nd_options_type'));
  } else {
    decMasked('tp_src', get('tcp_src') ?? get('udp_src') ?? get('sctp_src'));
    decMasked('tp_dst', get('tcp_dst') ?? get('udp_dst') ?? get('sctp_dst'));
  }
  const tcpFlags = get('tcp_flags');
  if (tcpFlags && proto === 6n) {
    // OVS format_flags_masked: a mask over all 12 flag bits prints the set flags joined by '|' ("syn",
    // "syn|ack", "0" for none); any other mask prints +flag/-flag for each masked bit.
    const allFlags = 0xfffn;
    let t = '';
    if ((tcpFlags.m & allFlags) === allFlags) {
      t = tcpFlagNames.filter((_, bit) => (tcpFlags.v & (1n << BigInt(bit))) !== 0n).join('|') || '0';
    } else {
      for (let bit = 0; bit < 12; bit++) {
        const m = 1n << BigInt(bit);
        if (tcpFlags.m & m) t += `${tcpFlags.v & m ? '+' : '-'}${tcpFlagNames[bit]}`;
      }
    }
    parts.push(`tcp_flags=${t}`);
  }
  for (const [name, slot] of f) {
    if (seen.has(name)) continue;
    const field = fieldByName(name);
    const value = b(slot);
    parts.push(`${name}=${field ? formatFieldValue(field, value, full(slot) ? undefined : mb(slot)) : putHex(value)}`);
  }
  return parts.join(',');
}

