// Small pure pieces the walker uses: ct_state text, ct_lb backend parsing, port security checks
// (upstream check_in_port_sec / check_out_port_sec), load-balancer VIP lookup and value formatting.
import type { ActionArg, ArgTerm } from '../lflow/action-syntax';
import { formatIpv4, formatIpv6, formatMac, parseIpv4, parseIpv6, parseMac } from '../lflow/addresses';
import { formatInt } from '../lflow/format-constant';
import { printConstant, printFieldRef } from '../lflow/print-syntax';
import type { TracePacket } from './packet';

/** OVS CS_* bits in the order ovs-fields(7) names them. */
export const ctStateBits: ReadonlyArray<[string, bigint]> = [
  ['new', 0x01n], ['est', 0x02n], ['rel', 0x04n], ['rpl', 0x08n], ['inv', 0x10n], ['trk', 0x20n], ['snat', 0x40n], ['dnat', 0x80n],
];

export function formatCtState(state: bigint): string {
  const names = ctStateBits.filter(([, bit]) => (state & bit) !== 0n).map(([n]) => n);
  return names.length > 0 ? names.join('|') : '0';
}

/** Parses a --ct value ("trk,new", "est rpl"); trk is always added, like upstream. */
export function parseCtFlags(text: string): bigint {
  let state = 0x20n;
  for (const word of text.split(/[\s,|]+/).filter((w) => w.length > 0)) {
    const bit = ctStateBits.find(([n]) => n === word.replace(/^\+/, ''));
    if (!bit) throw new Error(`unknown connection tracking flag "${word}" (known: ${ctStateBits.map(([n]) => n).join(', ')})`);
    state |= bit[1];
  }
  return state;
}

export interface LbDst {
  family: 4 | 6;
  ip: bigint;
  port: number;
}

/** Parses --lb-dst=IP[:PORT] (IPv6 as [IP]:PORT or a bare IPv6 address). */
export function parseLbDst(text: string): LbDst {
  const m6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (m6) {
    const ip = parseIpv6(m6[1]!);
    if (ip !== null) return { family: 6, ip, port: m6[2] ? portNumber(m6[2]) : 0 };
  }
  const bare6 = parseIpv6(text);
  if (bare6 !== null) return { family: 6, ip: bare6, port: 0 };
  const m4 = /^([^:]+)(?::(\d+))?$/.exec(text);
  const ip4 = m4 ? parseIpv4(m4[1]!) : null;
  if (m4 && ip4 !== null) return { family: 4, ip: ip4, port: m4[2] ? portNumber(m4[2]) : 0 };
  throw new Error(`"${text}" is not IP[:PORT]`);
}

function portNumber(s: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`port ${s} is not 0..65535`);
  return n;
}

/** The backends of ct_lb / ct_lb_mark: "backends=IP[:PORT],..." (or the legacy bare list). */
export function ctLbBackends(args: readonly ActionArg[] | null): LbDst[] {
  const out: LbDst[] = [];
  for (const a of args ?? []) {
    if (a.key !== null && a.key !== 'backends') continue;
    if (a.sep === ';') break;
    let terms: readonly ArgTerm[] = a.terms;
    let family: 4 | 6 = 4;
    let ip: bigint | null = null;
    const first = terms[0];
    if (first?.kind === 'brackets') {
      const inner = first.terms[0];
      if (inner?.kind === 'const' && inner.c.kind === 'int') { ip = inner.c.value; family = 6; }
      terms = terms.slice(1);
    } else if (first?.kind === 'const' && first.c.kind === 'int') {
      ip = first.c.value;
      family = first.c.format === 'ipv6' ? 6 : 4;
      terms = terms.slice(1);
    }
    if (ip === null) continue;
    let port = 0;
    const colon = terms[0];
    const num = terms[1];
    if (colon?.kind === 'punct' && colon.text === ':' && num?.kind === 'const' && num.c.kind === 'int') port = Number(num.c.value);
    out.push({ family, ip, port });
  }
  return out;
}

interface PsAddrs {
  mac: bigint;
  ip4: bigint[];
  ip6: bigint[];
}

/** One port_security entry: "MAC [IP[/PLEN]]..." (upstream extract_lsp_addresses); null if no MAC. */
export function parsePortSecurity(entry: string): PsAddrs | null {
  const words = entry.trim().split(/\s+/);
  const mac = parseMac(words[0] ?? '');
  if (mac === null) return null;
  const ip4: bigint[] = [];
  const ip6: bigint[] = [];
  for (const w of words.slice(1)) {
    const addr = w.split('/')[0]!;
    const a4 = parseIpv4(addr);
    if (a4 !== null) { ip4.push(a4); continue; }
    const a6 = parseIpv6(addr);
    if (a6 !== null) ip6.push(a6);
  }
  return { mac, ip4, ip6 };
}

/** The EUI-64 link-local address of a MAC (upstream in6_generate_lla). */
export function linkLocal(mac: bigint): bigint {
  const b = (mac >> 40n) ^ 0x02n;
  const eui = (b << 56n) | (((mac >> 24n) & 0xffffn) << 40n) | (0xfffen << 24n) | (mac & 0xffffffn);
  return (0xfe80n << 112n) | eui;
}

const ethIp = 0x0800n;
const ethArp = 0x0806n;
const ethIp6 = 0x86ddn;

/** check_in_port_sec(): true (1) when the packet violates the inport's port security. */
export function inPortSecViolated(pkt: TracePacket, ps: readonly string[]): boolean {
  const addrs = ps.map(parsePortSecurity).filter((a): a is PsAddrs => a !== null);
  if (addrs.length === 0) return false;
  let allow = false;
  const type = pkt.get('eth.type');
  for (const a of addrs) {
    if (pkt.get('eth.src') !== a.mac) continue;
    if (type === ethIp) {
      const src = pkt.get('ip4.src');
      allow = (a.ip4.length === 0 && a.ip6.length === 0) || a.ip4.includes(src) ||
        (pkt.get('ip.proto') === 17n && pkt.get('udp.src') === 68n && pkt.get('udp.dst') === 67n && src === 0n && pkt.get('ip4.dst') === 0xffffffffn);
    } else if (type === ethArp) {
      allow = pkt.get('arp.sha') === a.mac && (a.ip4.length === 0 || a.ip4.includes(pkt.get('arp.spa')));
    } else if (type === ethIp6) {
      allow = inPortSecIp6(pkt, a);
    } else {
      allow = true;
    }
  }
  return !allow;
}

function inPortSecIp6(pkt: TracePacket, a: PsAddrs): boolean {
  if (a.ip4.length === 0 && a.ip6.length === 0) return true;
  const lla = linkLocal(a.mac);
  const src = pkt.get('ip6.src');
  if (!a.ip6.includes(src) && src !== lla) return false;
  if (pkt.get('ip.proto') === 58n) {
    const t = pkt.get('icmp6.type');
    if (t === 135n && pkt.get('nd.sll') !== 0n && pkt.get('nd.sll') !== a.mac) return false;
    if (t === 136n) {
      if (pkt.get('nd.tll') !== 0n && pkt.get('nd.tll') !== a.mac) return false;
      const target = pkt.get('nd.target');
      if (a.ip6.length > 0 && !a.ip6.includes(target) && target !== lla) return false;
    }
  }
  return true;
}

/** check_out_port_sec(): true (1) when the packet may not leave through the outport. */
export function outPortSecViolated(pkt: TracePacket, ps: readonly string[]): boolean {
  const addrs = ps.map(parsePortSecurity).filter((a): a is PsAddrs => a !== null);
  if (addrs.length === 0) return false;
  let allow = false;
  const type = pkt.get('eth.type');
  for (const a of addrs) {
    if (pkt.get('eth.dst') !== a.mac) continue;
    if (type === ethIp) {
      const dst = pkt.get('ip4.dst');
      allow = (a.ip4.length === 0 && a.ip6.length === 0) ||
        (a.ip4.length > 0 && (a.ip4.includes(dst) || dst === 0xffffffffn || dst >> 28n === 0xen));
    } else if (type === ethIp6) {
      const dst = pkt.get('ip6.dst');
      allow = (a.ip4.length === 0 && a.ip6.length === 0) ||
        (a.ip6.length > 0 && (a.ip6.includes(dst) || dst === linkLocal(a.mac) || dst >> 120n === 0xffn));
    } else {
      allow = true;
    }
  }
  return !allow;
}

/** The Load_Balancer VIP whose address is the packet's original destination, if any (get_lb_vip_data). */
export function findVip(vips: readonly string[], pkt: TracePacket): { text: string; port: number } | null {
  for (const key of vips) {
    let ipText = key;
    let port = 0;
    const m6 = /^\[([^\]]+)\]:(\d+)$/.exec(key);
    const m4 = /^([0-9.]+):(\d+)$/.exec(key);
    if (m6) { ipText = m6[1]!; port = Number(m6[2]); } else if (m4) { ipText = m4[1]!; port = Number(m4[2]); }
    const v4 = parseIpv4(ipText);
    if (v4 !== null && v4 === pkt.ctOrig.nwDst) return { text: ipText, port };
    const v6 = v4 === null ? parseIpv6(ipText) : null;
    if (v6 !== null && v6 === pkt.ctOrig.ip6Dst) return { text: ipText, port };
  }
  return null;
}

/** mf_format of a whole field value in the field's natural format. */
export function formatValue(value: bigint, format: 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'ethernet'): string {
  switch (format) {
    case 'ipv4':
      return formatIpv4(value);
    case 'ipv6':
      return formatIpv6(value);
    case 'ethernet':
      return formatMac(value);
    default:
      return formatInt(value, format);
  }
}

/** An option value of put_dhcp_opts & co. as upstream expr_constant_set_format prints it. */
export function formatArgTerms(terms: readonly ArgTerm[]): string {
  return terms.map((t) => {
    switch (t.kind) {
      case 'const': return printConstant(t.c);
      case 'name': return printFieldRef(t.ref);
      case 'punct': return t.text;
      case 'brackets': return `[${formatArgTerms(t.terms)}]`;
      case 'set': return `{${t.members.map(formatArgTerms).join(', ')}}`;
    }
  }).join('');
}

/** One option of put_dhcp_opts & co.: "name = value". */
export function formatOption(a: ActionArg): string {
  return `${a.key ?? ''} = ${formatArgTerms(a.terms)}`;
}
