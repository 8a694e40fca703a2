// Parses the match part of ovs-ofctl flow syntax into a FlowView, and encodes a FlowView as OXM entries
// in the order OVS's nx_put_raw writes them (so our bytes equal ovs-ofctl's for the same flow).

import type { Match } from '../match';
import { fieldBytes, fieldByName, preferredCode, type FieldDef, type OxmCode } from '../oxm-fields';
import type { OxmEntry } from '../oxm';
import { FlowSyntaxError, findField, parseCtState, parseFieldValue, parseSmall, parseUint, portNames, toBytes } from './lex';
import { FlowView, ones, put } from './match-format';

const protoShorthands: Record<string, readonly [number, number?]> = {
  ip: [0x0800], ipv6: [0x86dd], arp: [0x0806], rarp: [0x8035], mpls: [0x8847], mplsm: [0x8848],
  icmp: [0x0800, 1], tcp: [0x0800, 6], udp: [0x0800, 17], sctp: [0x0800, 132],
  icmp6: [0x86dd, 58], tcp6: [0x86dd, 6], udp6: [0x86dd, 17], sctp6: [0x86dd, 132],
};


export function parsePort(s: string): number {
  const named = portNames[s.toUpperCase()];
  if (named !== undefined) return named;
  return parseSmall(s, 'port', 0xffff);
}

const fragValues: Record<string, readonly [bigint, bigint]> = {
  no: [0n, 3n], yes: [1n, 1n], first: [1n, 3n], later: [3n, 3n], not_later: [0n, 2n],
};
const tcpFlagNames = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns'];

function setSlot(view: FlowView, name: string, v: bigint, m: bigint | undefined, bytes: number): void {
  const mask = m ?? ones(bytes);
  put(view, name, v & mask, mask, bytes);
}

/** Applies one "key=value" (or shorthand) match token to the view. */
export function applyMatchToken(view: FlowView, key: string, value: string | undefined): void {
  // "eth" is packet_type=(0,0), OVS's default, which nx_put_raw never writes.
  if (key === 'eth' && value === undefined) return;
  const shorthand = protoShorthands[key];
  if (shorthand && value === undefined) {
    setSlot(view, 'eth_type', BigInt(shorthand[0]), undefined, 2);
    if (shorthand[1] !== undefined) setSlot(view, 'nw_proto', BigInt(shorthand[1]), undefined, 1);
    return;
  }
  if (value === undefined) throw new FlowSyntaxError(key, `"${key}" needs a value`);
  switch (key) {
    case 'in_port': setSlot(view, 'in_port', BigInt(parsePort(value)), undefined, 2); return;
    case 'dl_vlan': setSlot(view, 'vlan_tci', BigInt(parseSmall(value, 'dl_vlan', 4095)) | 0x1000n, 0x1fffn, 2); return;
    case 'dl_vlan_pcp': setSlot(view, 'vlan_tci', (BigInt(parseSmall(value, 'dl_vlan_pcp', 7)) << 13n) | 0x1000n, 0xf000n, 2); return;
    case 'vlan_tci': {
      const { v, m } = parseFieldValue(findField('vlan_tci'), value);
      setSlot(view, 'vlan_tci', v, m, 2);
      return;
    }
    case 'nw_tos': setSlot(view, 'nw_tos', BigInt(parseSmall(value, 'nw_tos', 255)) & 0xfcn, 0xfcn, 1); return;
    case 'ip_dscp': setSlot(view, 'nw_tos', BigInt(parseSmall(value, 'ip_dscp', 63)) << 2n, 0xfcn, 1); return;
    case 'nw_ecn': case 'ip_ecn': setSlot(view, 'nw_ecn', BigInt(parseSmall(value, 'nw_ecn', 3)), 3n, 1); return;
    case 'nw_frag': case 'ip_frag': {
      const fv = fragValues[value];
      if (!fv) throw new FlowSyntaxError(value, 'nw_frag must be no, yes, first, later or not_later');
      setSlot(view, 'ip_frag', fv[0], fv[1], 1);
      return;
    }
    case 'tp_src': case 'tp_dst': {
      const { v, m } = parseFieldValue(findField('tcp_src'), value);
      setSlot(view, key, v, m, 2);
      return;
    }
    case 'icmp_type': case 'icmp_code': case 'icmpv4_type': case 'icmpv4_code':
      setSlot(view, key.replace('v4', ''), BigInt(parseSmall(value, key, 255)), undefined, 1);
      return;
    case 'icmpv6_type': case 'icmpv6_code':
      setSlot(view, key.replace('v6', ''), BigInt(parseSmall(value, key, 255)), undefined, 1);
      return;
    case 'tcp_flags': {
      if (/^[+-]/.test(value)) {
        let v = 0n;
        let m = 0n;
        for (const [, sign, name] of value.matchAll(/([+-])([a-z]+)/g)) {
          const bit = tcpFlagNames.indexOf(name!);
          if (bit < 0) throw new FlowSyntaxError(value, `unknown TCP flag "${name}"`);
          m |= 1n << BigInt(bit);
          if (sign === '+') v |= 1n << BigInt(bit);
        }
        setSlot(view, 'tcp_flags', v, m, 2);
      } else if (/^[a-z]/.test(value)) {
        // "syn|ack": exactly these flags set, every other flag clear; ovs-ofctl sends it as an exact match.
        let v = 0n;
        for (const name of value.split('|')) {
          const bit = tcpFlagNames.indexOf(name);
          if (bit < 0) throw new FlowSyntaxError(value, `unknown TCP flag "${name}"`);
          v |= 1n << BigInt(bit);
        }
        setSlot(view, 'tcp_flags', v, 0xffffn, 2);
      } else {
        const { v, m } = parseFieldValue(findField('tcp_flags'), value);
        setSlot(view, 'tcp_flags', v, m, 2);
      }
      return;
    }
    case 'ct_state': {
      const { v, m } = parseCtState(value);
      setSlot(view, 'ct_state', v, m, 4);
      return;
    }
    default: break;
  }
  const f = findField(key);
  const bytes = fieldBytes(f);
  const { v, m } = parseFieldValue(f, value);
  const xreg = /^xreg(\d+)$/.exec(f.name);
  const xxreg = /^xxreg(\d+)$/.exec(f.name);
  const mask = m ?? ones(bytes);
  if (xreg) {
    const i = Number(xreg[1]);
    put(view, `reg${2 * i}`, (v >> 32n) & (mask >> 32n), mask >> 32n, 4);
    put(view, `reg${2 * i + 1}`, v & mask & 0xffffffffn, mask & 0xffffffffn, 4);
  } else if (xxreg) {
    const i = Number(xxreg[1]);
    for (let k = 0; k < 4; k++) {
      const sh = BigInt(32 * (3 - k));
      put(view, `reg${4 * i + k}`, (v >> sh) & (mask >> sh) & 0xffffffffn, (mask >> sh) & 0xffffffffn, 4);
    }
  } else if (f.name === 'in_port_oxm') {
    setSlot(view, 'in_port', v, undefined, 2);
  } else {
    if (m !== undefined && !f.maskable) throw new FlowSyntaxError(value, `field ${f.name} is not maskable`);
    put(view, f.name, v & mask, mask, bytes);
  }
}

/** The field and its preferred code per "version/name" (entry() runs for every field of every encoded match). */
const entryCodes = new Map<string, { field: FieldDef; code: OxmCode }>();

function entry(name: string, v: bigint, m: bigint, bytes: number, version: number): OxmEntry | undefined {
  if (m === 0n) return undefined;
  const key = `${version}/${name}`;
  let known = entryCodes.get(key);
  if (!known) {
    const field = fieldByName(name);
    if (!field) throw new FlowSyntaxError(name, `no field ${name}`);
    const code = preferredCode(field, version);
    if (!code) throw new FlowSyntaxError(name, `field ${name} cannot be matched in OpenFlow`);
    known = { field, code };
    entryCodes.set(key, known);
  }
  const { field, code } = known;
  const full = m === ones(bytes);
  return full ? { field, code, value: toBytes(v, bytes) } : { field, code, value: toBytes(v & m, bytes), mask: toBytes(m, bytes) };
}

/** Slots read by hand in encodeFlowView that are left out, not refused, where their context is missing. */
const slotsIgnoredOutOfContext = new Set(['in_port', 'vlan_tci', 'ip_frag', 'nw_tos', 'nw_ecn']);
const tunMetadataNames = Array.from({ length: 64 }, (_, i) => `tun_metadata${i}`);
const regNames = Array.from({ length: 16 }, (_, i) => `reg${i}`);
const xregNames = Array.from({ length: 8 }, (_, i) => `xreg${i}`);

/** Encodes a FlowView in nx_put_raw order for OpenFlow wire version `version` (6 = OF1.5). */
export function encodeFlowView(view: FlowView, version = 6): Match {
  const out: OxmEntry[] = [];
  // The slots consumed so far: only present ones are recorded (a view holds a handful of slots, and this
  // runs once per compiled flow), so the leftover check at the end is skipped when all were consumed.
  const used = new Set<string>();
  const take = (slotName: string) => {
    const s = view.get(slotName);
    if (s) used.add(slotName);
    return s;
  };
  const add = (name: string, slotName = name) => {
    const s = take(slotName);
    if (!s) return;
    const e = entry(name, s.v, s.m, s.bytes, version);
    if (e) out.push(e);
  };
  let hasTunMetadata = false;
  let hasRegs = false;
  for (const k of view.keys()) {
    if (k.startsWith('tun_metadata')) hasTunMetadata = true;
    else if (k.startsWith('reg')) hasRegs = true;
  }
  const dlType = view.get('eth_type')?.v;
  const proto = view.get('nw_proto')?.v;
  add('packet_type');
  add('dp_hash');
  add('recirc_id');
  add('conj_id');
  const inPort = take('in_port');
  if (inPort) {
    const p = inPort.v >= 0xff00n ? inPort.v + 0xffff0000n : inPort.v;
    out.push(entry('in_port_oxm', p, 0xffffffffn, 4, version)!);
  }
  add('actset_output');
  add('eth_src');
  add('eth_dst');
  add('eth_type');
  const tci = take('vlan_tci');
  if (tci) {
    const vid = tci.v & 0x1fffn;
    const vm = tci.m & 0x1fffn;
    if (vm) { const e = entry('vlan_vid', vid, vm === 0x1fffn ? 0xffffn : vm, 2, version); if (e) out.push(e); }
    if (vid && tci.m & 0xe000n) out.push(entry('vlan_pcp', (tci.v >> 13n) & 7n, 0xffn, 1, version)!);
  }
  if (dlType === 0x0800n || dlType === 0x86ddn) {
    if (dlType === 0x0800n) { add('ip_src'); add('ip_dst'); } else { add('ipv6_src'); add('ipv6_dst'); }
    const frag = take('ip_frag');
    if (frag) out.push(entry('ip_frag', frag.v, frag.m === 3n ? 0xffn : frag.m, 1, version)!);
    const tos = take('nw_tos');
    if (tos) out.push(entry('ip_dscp', tos.v >> 2n, 0xffn, 1, version)!);
    const ecn = take('nw_ecn');
    if (ecn) out.push(entry('nw_ecn', ecn.v, 0xffn, 1, version)!);
    add('nw_ttl');
    add('ipv6_label');
    if (proto !== undefined) {
      add('nw_proto');
      if (proto === 6n) { add('tcp_src', 'tp_src'); add('tcp_src'); add('tcp_dst', 'tp_dst'); add('tcp_dst'); add('tcp_flags'); }
      else if (proto === 17n) { add('udp_src', 'tp_src'); add('udp_src'); add('udp_dst', 'tp_dst'); add('udp_dst'); }
      else if (proto === 132n) { add('sctp_src', 'tp_src'); add('sctp_src'); add('sctp_dst', 'tp_dst'); add('sctp_dst'); }
      else if (proto === 1n && dlType === 0x0800n) { add('icmp_type'); add('icmp_code'); }
      else if (proto === 58n && dlType === 0x86ddn) {
        add('icmpv6_type', 'icmp_type');
        add('icmpv6_code', 'icmp_code');
        add('nd_reserved');
        add('nd_target');
        add('nd_options_type');
        const type = view.get('icmp_type')?.v;
        if (type === 135n) add('nd_sll');
        if (type === 136n) add('nd_tll');
      }
    }
  } else if (dlType === 0x0806n || dlType === 0x8035n) {
    add('arp_op');
    add('arp_spa');
    add('arp_tpa');
    add('arp_sha');
    add('arp_tha');
  }
  add('tun_id');
  add('tun_flags');
  add('tun_src');
  add('tun_dst');
  add('tun_ipv6_src');
  add('tun_ipv6_dst');
  add('tun_gbp_id');
  add('tun_gbp_flags');
  // Without a TLV table, OVS sizes a tun_metadata match to the bytes its value and mask need.
  for (let i = 0; hasTunMetadata && i < 64; i++) {
    const name = tunMetadataNames[i]!;
    const s = take(name);
    if (!s) continue;
    const n = minBytes(s.v | (s.m === ones(s.bytes) ? 0n : s.m));
    const e = entry(name, s.v, s.m === ones(s.bytes) ? ones(n) : s.m, n, version);
    if (e) out.push(e);
  }
  for (let i = 0; hasRegs && i < 8; i++) {
    const hi = take(regNames[2 * i]!);
    const lo = take(regNames[2 * i + 1]!);
    if (!hi && !lo) continue;
    const v = ((hi?.v ?? 0n) << 32n) | (lo?.v ?? 0n);
    const m = ((hi?.m ?? 0n) << 32n) | (lo?.m ?? 0n);
    const e = version >= 6 ? entry(xregNames[i]!, v, m, 8, version) : undefined;
    if (e) out.push(e);
  }
  add('pkt_mark');
  add('ct_state');
  add('ct_zone');
  add('ct_mark');
  add('ct_label');
  add('ct_nw_src');
  add('ct_ipv6_src');
  add('ct_nw_dst');
  add('ct_ipv6_dst');
  if (view.get('ct_nw_proto')?.v) { add('ct_nw_proto'); add('ct_tp_src'); add('ct_tp_dst'); }
  add('metadata');
  // Nothing may be dropped: protocol fields whose prerequisites are missing are an error (as in ovs-ofctl);
  // rarer fields (nsh, erspan, gtpu, mpls...) are appended in field-table order.
  for (const [name, s] of used.size === view.size ? [] : view) {
    if (used.has(name) || slotsIgnoredOutOfContext.has(name)) continue;
    if (/^(tp_src|tp_dst|icmp_type|icmp_code|tcp_|udp_|sctp_|icmpv6_|nd_|arp_|ip_|ipv6_|nw_)/.test(name)) {
      throw new FlowSyntaxError(name, `${name} needs its prerequisites (eth_type / ip protocol) in the match`);
    }
    const e = entry(name, s.v, s.m, s.bytes, version);
    if (e) out.push(e);
  }
  return out;
}

/** Smallest number of bytes (at least 1) that holds v. */
export function minBytes(v: bigint): number {
  let n = 1;
  while (v >> BigInt(8 * n) !== 0n) n++;
  return n;
}

/** Width-checked u64 from text (cookies, metadata). */
export function parseU64(s: string, what: string): bigint {
  const v = parseUint(s, what);
  if (v > 0xffffffffffffffffn) throw new FlowSyntaxError(s, `${what} exceeds 64 bits`);
  return v;
}

