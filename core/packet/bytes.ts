// Bounds-checked reading and writing of network-byte-order fields, and the error/result types every parser
// shares. Layer readers throw PacketError (with the absolute byte offset of the problem); top-level parse
// functions catch it and return a Parsed<T> value, so malformed input never escapes as an exception.

import { fromHex as fromHexText } from '../util/hex';

/** What was malformed, in which layer, and at which byte offset from the start of the top-level buffer. */
export interface ParseFailure {
  readonly layer: string;
  readonly offset: number;
  readonly message: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParseFailure };

export class PacketError extends Error implements ParseFailure {
  constructor(readonly layer: string, readonly offset: number, readonly reason: string) {
    super(`${layer}: ${reason} (at byte offset ${offset})`);
    this.name = 'PacketError';
  }
}

/** Runs a throwing reader and turns a PacketError into an error value. Any other exception is a bug and
 * propagates (the fuzz test checks none does). */
export function attempt<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (e) {
    if (e instanceof PacketError) {
      return { ok: false, error: { layer: e.layer, offset: e.offset, message: e.message } };
    }
    throw e;
  }
}

export function fail(layer: string, offset: number, reason: string): never {
  throw new PacketError(layer, offset, reason);
}

/** A forward-only reader over one layer's bytes. `base` is the absolute offset of bytes[0] (for errors). */
export class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly layer: string, readonly base = 0) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Absolute offset of the current position. */
  get offset(): number {
    return this.base + this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.remaining) {
      fail(this.layer, this.offset, `truncated ${what}: need ${n} bytes, ${this.remaining} left`);
    }
  }

  u8(what = 'field'): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what = 'field'): number {
    this.need(2, what);
    const b = this.bytes;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u32(what = 'field'): number {
    this.need(4, what);
    const v = readU32(this.bytes, this.pos);
    this.pos += 4;
    return v;
  }

  /** A view (not a copy) of the next n bytes. */
  take(n: number, what = 'field'): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  /** The remaining bytes and their absolute offset, for handing to a nested reader. */
  restAt(): [Uint8Array, number] {
    const at = this.offset;
    return [this.rest(), at];
  }

  skip(n: number, what = 'field'): void {
    this.need(n, what);
    this.pos += n;
  }

  error(reason: string, at = this.offset): never {
    return fail(this.layer, at, reason);
  }
}

export function readU16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

export function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

export function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
}

export function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** Growable big-endian writer for building headers and TLV lists. */
export class Writer {
  private buf = new Uint8Array(64);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    writeU16(this.buf, this.length, v);
    this.length += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    writeU32(this.buf, this.length, v >>> 0);
    this.length += 4;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
    return this;
  }

  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }

  /** Overwrites a 16-bit field already written (length fields known only at the end). */
  patchU16(at: number, v: number): void {
    writeU16(this.buf, at, v);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export { bytesEqual, toHex } from '../util/hex';

/** Parses hex, ignoring whitespace and colons (handy for pasted captures). Throws on odd/invalid input. */
export function fromHex(text: string): Uint8Array {
  return fromHexText(text, true);
}
