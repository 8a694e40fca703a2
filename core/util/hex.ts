// Byte-string helpers shared by the OpenFlow codec and the packet library.

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex, two digits per byte, no separators. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * Parses hex digits, two per byte. With `lenient`, whitespace and colons are skipped first (pasted
 * captures). Throws a RangeError naming the text on an odd length or a non-hex character.
 */
export function fromHex(text: string, lenient = false): Uint8Array {
  const hex = lenient ? text.replace(/[\s:]/g, '') : text;
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) {
    throw new RangeError(`bad hex string "${text.length > 40 ? `${text.slice(0, 40)}...` : text}": ${hex.length % 2 !== 0 ? 'odd number of digits' : 'not a hex digit'}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
