// Internet checksum (RFC 1071) with IPv4/IPv6 pseudo-headers, and CRC32c (RFC 3309/4960 appendix B) for SCTP.

/** Adds bytes as big-endian 16-bit words to a running 32-bit sum (odd trailing byte padded with zero). */
export function sumWords(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const n = bytes.length & ~1;
  for (let i = 0; i < n; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) sum += bytes[n]! << 8;
  // Fold periodically is unnecessary: 2^53 headroom covers any frame we can hold.
  return sum;
}

export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The one's-complement checksum of the bytes (the value to store in a zeroed checksum field). */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~foldSum(sumWords(bytes, initial)) & 0xffff;
}

/** Sum of the IPv4 pseudo-header (RFC 768/793): src, dst, zero, protocol, upper-layer length. */
export function ipv4PseudoSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** Sum of the IPv6 pseudo-header (RFC 8200 8.1): src, dst, 32-bit length, next header. */
export function ipv6PseudoSum(src: Uint8Array, dst: Uint8Array, nextHeader: number, length: number): number {
  return sumWords(dst, sumWords(src)) + (length >>> 16) + (length & 0xffff) + nextHeader;
}

/** Where an L4 checksum's pseudo-header comes from: the enclosing IP header. */
export type PseudoHeader =
  | { readonly version: 4; readonly src: number; readonly dst: number }
  | { readonly version: 6; readonly src: Uint8Array; readonly dst: Uint8Array };

export function pseudoSum(ph: PseudoHeader, protocol: number, length: number): number {
  return ph.version === 4
    ? ipv4PseudoSum(ph.src, ph.dst, protocol, length)
    : ipv6PseudoSum(ph.src, ph.dst, protocol, length);
}

/** Checksum of an L4 segment (its checksum field zeroed or included: including it and getting 0 verifies). */
export function l4Checksum(ph: PseudoHeader, protocol: number, segment: Uint8Array): number {
  return internetChecksum(segment, pseudoSum(ph, protocol, segment.length));
}

const crc32cTable: Uint32Array = (() => {
  const poly = 0x82f63b78; // reflected Castagnoli polynomial
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = crc32cTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
