// MAC, IPv4 and IPv6 addresses: text parsing, canonical formatting ("00:11:22:33:44:55", "10.0.0.1",
// RFC 5952 compressed IPv6 "fe80::1") and conversions to the flow-key representations.
// Parsed headers carry MACs and IPv6 addresses as Uint8Array (6 and 16 bytes) and IPv4 addresses as an
// unsigned 32-bit number; builders accept either those or text (the *Like types).
import { assert } from '../util/assert';

export type MacLike = string | Uint8Array;
export type Ipv4Like = string | number;
export type Ipv6Like = string | Uint8Array;

export const broadcastMac = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export const zeroMac = new Uint8Array(6);

/** Accepts "00:11:22:33:44:55" (or '-' separators, any case). Null when malformed. */
export function parseMacText(text: string): Uint8Array | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6) return null;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const p = parts[i]!;
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    out[i] = parseInt(p, 16);
  }
  return out;
}

export function formatMac(mac: Uint8Array): string {
  assert(mac.length === 6, () => `formatMac: ${mac.length} bytes, want 6`);
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + mac[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Dotted quad to unsigned 32-bit number; null when malformed. */
export function parseIpv4Text(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

export function formatIpv4(addr: number): string {
  return `${(addr >>> 24) & 0xff}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

export function ipv4ToBytes(addr: number): Uint8Array {
  return new Uint8Array([(addr >>> 24) & 0xff, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff]);
}

/** Accepts full, "::"-compressed and IPv4-suffixed forms ("::ffff:10.0.0.1"). Null when malformed. */
export function parseIpv6Text(text: string): Uint8Array | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4Text(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return null;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >>> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** RFC 5952 text: lowercase, longest run (≥ 2) of zero groups as "::" (first on ties), IPv4-mapped as dotted. */
export function formatIpv6(addr: Uint8Array): string {
  assert(addr.length === 16, () => `formatIpv6: ${addr.length} bytes, want 16`);
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((addr[2 * i]! << 8) | addr[2 * i + 1]!);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `::ffff:${addr[12]}.${addr[13]}.${addr[14]}.${addr[15]}`;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is never compressed (RFC 5952 4.2.2)
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

export function toMac(m: MacLike): Uint8Array {
  if (typeof m !== 'string') {
    assert(m.length === 6, () => `MAC must be 6 bytes, got ${m.length}`);
    return m;
  }
  const v = parseMacText(m);
  assert(v !== null, () => `invalid MAC address "${m}"`);
  return v;
}

export function toIpv4(a: Ipv4Like): number {
  if (typeof a === 'number') {
    assert(Number.isInteger(a) && a >= 0 && a <= 0xffffffff, () => `invalid IPv4 number ${a}`);
    return a;
  }
  const v = parseIpv4Text(a);
  assert(v !== null, () => `invalid IPv4 address "${a}"`);
  return v;
}

export function toIpv6(a: Ipv6Like): Uint8Array {
  if (typeof a !== 'string') {
    assert(a.length === 16, () => `IPv6 address must be 16 bytes, got ${a.length}`);
    return a;
  }
  const v = parseIpv6Text(a);
  assert(v !== null, () => `invalid IPv6 address "${a}"`);
  return v;
}

/** Big-endian bytes (MAC, IPv6) as an unsigned bigint: the flow-key form of 48- and 128-bit fields. */
export function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

export function bigintToBytes(v: bigint, length: number): Uint8Array {
  assert(v >= 0n && v < 1n << BigInt(8 * length), () => `bigintToBytes: ${v} does not fit ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Multicast MAC for an IPv6 multicast address (33:33 + low 32 bits, RFC 2464). */
export function ipv6MulticastMac(addr: Uint8Array): Uint8Array {
  return new Uint8Array([0x33, 0x33, addr[12]!, addr[13]!, addr[14]!, addr[15]!]);
}

/** Solicited-node multicast address ff02::1:ffXX:XXXX for a unicast address (RFC 4291 2.7.1). */
export function solicitedNodeAddress(addr: Uint8Array): Uint8Array {
  const out = parseIpv6Text('ff02::1:ff00:0')!;
  out[13] = addr[13]!;
  out[14] = addr[14]!;
  out[15] = addr[15]!;
  return out;
}

/** EUI-64 link-local address fe80::/64 derived from a MAC (RFC 4291 appendix A). */
export function linkLocalFromMac(mac: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[0] = 0xfe;
  out[1] = 0x80;
  out.set([mac[0]! ^ 0x02, mac[1]!, mac[2]!, 0xff, 0xfe, mac[3]!, mac[4]!, mac[5]!], 8);
  return out;
}
