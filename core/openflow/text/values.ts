// Value formatting in ovs-ofctl's style: ds_put_hex-style hex (leading zero bytes dropped), dotted IPv4
// with CIDR masks, colon-separated MACs, inet_ntop-style IPv6, OpenFlow port names.

import { bytesToBigInt } from '../bytes';
import type { FieldDef } from '../oxm-fields';

/** OVS ds_put_hex: "0x" + hex of the bytes with leading zero bytes dropped, or "0" when all zero. */
export function putHex(b: Uint8Array): string {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return '0';
  let s = `0x${b[i]!.toString(16)}`;
  for (i++; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** format_hex_arg: bytes as "01.02.ff". */
export function dottedHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('.');
}

export function isAllOnes(b: Uint8Array): boolean {
  return b.every((x) => x === 0xff);
}

export function isAllZeros(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

/** Number of leading one bits if the mask is a CIDR prefix, else -1. */
export function cidrBits(mask: Uint8Array): number {
  let bits = 0;
  let i = 0;
  for (; i < mask.length && mask[i] === 0xff; i++) bits += 8;
  if (i < mask.length) {
    const m = mask[i]!;
    let b = 0;
    while (b < 8 && m & (0x80 >> b)) b++;
    if (((0xff00 >> b) & 0xff) !== m) return -1;
    bits += b;
    for (i++; i < mask.length; i++) if (mask[i] !== 0) return -1;
  }
  return bits;
}

export function ipv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

export function ipv4Masked(v: Uint8Array, mask?: Uint8Array): string {
  if (!mask || isAllOnes(mask)) return ipv4(v);
  const c = cidrBits(mask);
  return c >= 0 ? `${ipv4(v)}/${c}` : `${ipv4(v)}/${ipv4(mask)}`;
}

export function mac(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

export function macMasked(v: Uint8Array, mask?: Uint8Array): string {
  return !mask || isAllOnes(mask) ? mac(v) : `${mac(v)}/${mac(mask)}`;
}

/** inet_ntop(AF_INET6) as glibc writes it: the longest run (>= 2) of zero groups becomes "::". */
export function ipv6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d, exactly six leading zero groups, so
  // not ::1 or ::) addresses end in dotted quad, as glibc prints them.
  if (bestStart === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${ipv4(b.subarray(12))}`;
  if (bestStart === 0 && bestLen === 6) return `::${ipv4(b.subarray(12))}`;
  const hex = (x: number) => x.toString(16);
  if (bestStart < 0) return g.map(hex).join(':');
  const left = g.slice(0, bestStart).map(hex).join(':');
  const right = g.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}

export function ipv6Masked(v: Uint8Array, mask?: Uint8Array): string {
  if (!mask || isAllOnes(mask)) return ipv6(v);
  const c = cidrBits(mask);
  return c >= 0 ? `${ipv6(v)}/${c}` : `${ipv6(v)}/${ipv6(mask)}`;
}

const specialPorts: ReadonlyArray<readonly [number, string]> = [
  [0xfff8, 'IN_PORT'], [0xfff9, 'TABLE'], [0xfffa, 'NORMAL'], [0xfffb, 'FLOOD'], [0xfffc, 'ALL'],
  [0xfffd, 'CONTROLLER'], [0xfffe, 'LOCAL'], [0xffff, 'ANY'],
];

/** OpenFlow 1.1+ 32-bit port -> OVS 16-bit port (0xffffff00.. map to 0xff00..). */
export function ofp11PortTo16(port: number): number {
  return port >= 0xffffff00 ? port - 0xffff0000 : port;
}

export function portName(port16: number): string {
  for (const [n, name] of specialPorts) if (n === port16) return name;
  return String(port16);
}

/** mf_format for a field value (and optional mask), as in set_field and learn. */
export function formatFieldValue(f: FieldDef, value: Uint8Array, mask?: Uint8Array): string {
  if (mask && isAllZeros(mask)) return 'ANY';
  const m = mask && !isAllOnes(mask) ? mask : undefined;
  switch (f.format) {
    case 'ipv4': return ipv4Masked(value, m);
    case 'ipv6': return ipv6Masked(value, m);
    case 'ethernet': return macMasked(value, m);
    case 'port':
      if (!m) return portName(f.bits === 32 ? ofp11PortTo16(Number(bytesToBigInt(value))) : Number(bytesToBigInt(value)));
      return integer(f, value, m);
    case 'ctState': return ctStateMasked(Number(bytesToBigInt(value)), m ? Number(bytesToBigInt(m)) : 0xffffffff);
    case 'hex': case 'decimal': default:
      return integer(f, value, m);
  }
}

function integer(f: FieldDef, value: Uint8Array, mask?: Uint8Array): string {
  const v = f.format === 'hex' ? putHex(value) : bytesToBigInt(value).toString();
  return mask ? `${v}/${putHex(mask)}` : v;
}

export const ctStateBits: ReadonlyArray<readonly [number, string]> = [
  [0x01, 'new'], [0x02, 'est'], [0x04, 'rel'], [0x08, 'rpl'], [0x10, 'inv'], [0x20, 'trk'], [0x40, 'snat'], [0x80, 'dnat'],
];

/** ct_state as match_format prints it: exact "new|trk" (or "0"), masked "+trk-new". */
export function ctStateMasked(value: number, mask: number): string {
  if ((mask & 0xff) === 0xff) {
    const names = ctStateBits.filter(([b]) => value & b).map(([, n]) => n);
    return names.length ? names.join('|') : '0';
  }
  let s = '';
  for (const [b, n] of ctStateBits) if (mask & b) s += `${value & b ? '+' : '-'}${n}`;
  return s;
}
