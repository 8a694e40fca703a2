// Big-endian byte reader and writer for OpenFlow wire formats.
// The Reader throws OfpDecodeError with the absolute offset of the failing read; top-level decoders catch it
// and return it as a value (see errors.ts), so bad bytes never throw out of the codec's public API.

import { OfpDecodeError } from './errors';

export class Reader {
  private pos: number;
  readonly end: number;

  /** Reads bytes[start, end). Offsets in errors are absolute positions within `bytes`. */
  constructor(readonly bytes: Uint8Array, start = 0, end = bytes.length, readonly what = 'message') {
    if (start < 0 || end > bytes.length || start > end) {
      throw new OfpDecodeError(what, start, `bad window [${start}, ${end}) of ${bytes.length} bytes`);
    }
    this.pos = start;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(reason: string, at = this.pos): never {
    throw new OfpDecodeError(this.what, at, reason);
  }

  need(n: number, field: string): void {
    if (n < 0 || this.pos + n > this.end) {
      this.fail(`truncated ${field}: need ${n} bytes, have ${this.end - this.pos}`);
    }
  }

  u8(field = 'u8'): number {
    this.need(1, field);
    return this.bytes[this.pos++]!;
  }

  u16(field = 'u16'): number {
    this.need(2, field);
    const v = (this.bytes[this.pos]! << 8) | this.bytes[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(field = 'u32'): number {
    this.need(4, field);
    const b = this.bytes;
    const p = this.pos;
    const v = ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
    this.pos += 4;
    return v;
  }

  u64(field = 'u64'): bigint {
    const hi = this.u32(field);
    const lo = this.u32(field);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  take(n: number, field = 'bytes'): Uint8Array {
    this.need(n, field);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number, field = 'padding'): void {
    this.need(n, field);
    this.pos += n;
  }

  /** Skips n bytes that the format says must be zero; nonzero is an error (it would not round-trip). */
  zeros(n: number, field = 'padding'): void {
    this.need(n, field);
    for (let i = 0; i < n; i++) {
      if (this.bytes[this.pos + i] !== 0) this.fail(`nonzero byte in ${field}`, this.pos + i);
    }
    this.pos += n;
  }

  peekU16(at = this.pos): number {
    if (at + 2 > this.end) this.fail('truncated u16 (peek)', Math.min(at, this.end));
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }

  peekU32(at = this.pos): number {
    if (at + 4 > this.end) this.fail('truncated u32 (peek)', Math.min(at, this.end));
    const b = this.bytes;
    return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  /** A sub-reader over the next n bytes (consumed from this reader). */
  sub(n: number, what = this.what): Reader {
    this.need(n, what);
    const r = new Reader(this.bytes, this.pos, this.pos + n, what);
    this.pos += n;
    return r;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }
}

export const maxOpenFlowMessageBytes = 0xffff;

export class Writer {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(initialBytes);
  }

  get length(): number {
    return this.len;
  }

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    checkUint(v, 0xff, 'u8');
    this.grow(1);
    this.buf[this.len++] = v;
    return this;
  }

  u16(v: number): this {
    checkUint(v, 0xffff, 'u16');
    this.grow(2);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number): this {
    checkUint(v, 0xffffffff, 'u32');
    this.grow(4);
    this.buf[this.len++] = v >>> 24;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${v}`);
    this.u32(Number(v >> 32n));
    this.u32(Number(v & 0xffffffffn));
    return this;
  }

  bytes(b: Uint8Array): this {
    this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  zeros(n: number): this {
    this.grow(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
    return this;
  }

  /** Pads with zeros so that (length - from) is a multiple of `align`. */
  padTo(align: number, from = 0): this {
    const rem = (this.len - from) % align;
    if (rem !== 0) this.zeros(align - rem);
    return this;
  }

  setU16(at: number, v: number): void {
    checkUint(v, 0xffff, 'u16');
    if (at + 2 > this.len) throw new RangeError(`setU16 at ${at} beyond ${this.len}`);
    this.buf[at] = v >>> 8;
    this.buf[at + 1] = v & 0xff;
  }

  setU32(at: number, v: number): void {
    checkUint(v, 0xffffffff, 'u32');
    if (at + 4 > this.len) throw new RangeError(`setU32 at ${at} beyond ${this.len}`);
    this.buf[at] = v >>> 24;
    this.buf[at + 1] = (v >>> 16) & 0xff;
    this.buf[at + 2] = (v >>> 8) & 0xff;
    this.buf[at + 3] = v & 0xff;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkUint(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${what} out of range: ${v}`);
}

export { bytesEqual, fromHex, toHex } from '../util/hex';

/** Big-endian bytes -> bigint. */
export function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}

/** bigint -> big-endian bytes of width n (value must fit). */
export function bigIntToBytes(v: bigint, n: number): Uint8Array {
  if (n <= 6) {
    // Up to 48 bits a Number holds the value exactly: no BigInt arithmetic (most match fields are this small).
    const w = Number(v);
    if (v < 0n || w >= 2 ** (8 * n)) throw new RangeError(`value 0x${v.toString(16)} does not fit in ${n} bytes`);
    const out = new Uint8Array(n);
    for (let i = n - 1, x = w; i >= 0; i--, x = Math.floor(x / 256)) out[i] = x % 256;
    return out;
  }
  if (v < 0n || v >> BigInt(8 * n) !== 0n) throw new RangeError(`value 0x${v.toString(16)} does not fit in ${n} bytes`);
  const out = new Uint8Array(n);
  // Four bytes per BigInt step: the per-byte loop dominated match encoding.
  let i = n - 1;
  for (; i >= 3; i -= 4) {
    const w = Number(v & 0xffffffffn);
    v >>= 32n;
    out[i] = w & 0xff;
    out[i - 1] = (w >>> 8) & 0xff;
    out[i - 2] = (w >>> 16) & 0xff;
    out[i - 3] = w >>> 24;
  }
  for (let w = Number(v); i >= 0; i--) {
    out[i] = w & 0xff;
    w = Math.floor(w / 256);
  }
  return out;
}
