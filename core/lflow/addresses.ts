// Text forms of the address constants of the logical flow language (IPv4 dotted quads, IPv6 as inet_pton
// accepts them, Ethernet xx:xx:xx:xx:xx:xx), converted to and from unsigned bigints (network byte order,
// most significant byte first). Parsers return null on any malformed text; they never throw.

const ipv4Re = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIpv4(s: string): bigint | null {
  const m = ipv4Re.exec(s);
  if (!m) return null;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    // inet_pton rejects leading zeros ("01"), which would be ambiguous with octal in other parsers.
    if (part.length > 1 && part[0] === '0') return null;
    const n = Number(part);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function formatIpv4(v: bigint): string {
  const out: number[] = [];
  for (let i = 3; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out.join('.');
}

export function parseIpv6(s: string): bigint | null {
  if (s.length === 0 || s.length > 45) return null;
  let head = s;
  let tailWords: number[] = [];
  // An embedded IPv4 address may end the text (e.g. ::ffff:192.0.2.128).
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === null) return null;
    tailWords = [Number(v4 >> 16n), Number(v4 & 0xffffn)];
    head = s.slice(0, lastColon + 1);
    // "::1.2.3.4" keeps its "::"; "::ffff:1.2.3.4" drops the single ':' before the IPv4 part.
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const dbl = head.indexOf('::');
  if (dbl >= 0 && head.indexOf('::', dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const left = parseGroups(head.slice(0, dbl));
    const right = parseGroups(head.slice(dbl + 2));
    if (!left || !right) return null;
    const fill = 8 - left.length - right.length - tailWords.length;
    if (fill < 1) return null;
    words = [...left, ...new Array<number>(fill).fill(0), ...right, ...tailWords];
  } else {
    const all = parseGroups(head);
    if (!all) return null;
    words = [...all, ...tailWords];
    if (words.length !== 8) return null;
  }
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** RFC 5952 form: lowercase, leading zeros dropped, the longest run (≥ 2) of zero words as "::". */
export function formatIpv6(v: bigint): string {
  const words: number[] = [];
  for (let i = 7; i >= 0; i--) words.push(Number((v >> BigInt(16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestLen < 2) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Strict xx:xx:xx:xx:xx:xx. */
export function parseMac(s: string): bigint | null {
  if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(s)) return null;
  return BigInt('0x' + s.replace(/:/g, ''));
}

/**
 * Ethernet text as the OVN lexer reads it: exactly 17 characters scanned with "%hhx:%hhx:...": each of the
 * six groups is hex digits (optionally after 0x), of any length, kept modulo 256. So "0:00:00:00:ff0:01"
 * is 00:00:00:00:f0:01 upstream, and we must accept it too.
 */
export function parseLexerMac(s: string): bigint | null {
  if (s.length !== 17) return null;
  const parts = s.split(':');
  if (parts.length !== 6) return null;
  let v = 0n;
  for (const p of parts) {
    const m = /^(?:0[xX])?([0-9a-fA-F]+)$/.exec(p);
    if (!m) return null;
    v = (v << 8n) | (BigInt('0x' + m[1]!) & 0xffn);
  }
  return v;
}

export function formatMac(v: bigint): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push(((v >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0'));
  return out.join(':');
}

/** A mask of the `prefix` most significant bits of a `width`-bit value. */
export function prefixMask(prefix: number, width: number): bigint {
  return ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
}

/** The prefix length if `mask` is a CIDR mask within `width` bits, else null. */
export function maskPrefixLength(mask: bigint, width: number): number | null {
  for (let p = 0; p <= width; p++) if (prefixMask(p, width) === mask) return p;
  return null;
}
