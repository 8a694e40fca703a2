// Incremental framing of concatenated JSON texts on a byte stream (OVSDB JSON-RPC has no delimiters:
// upstream sends messages back to back). push() scans each new chunk once, resuming in the middle of
// strings, escapes, \u sequences, multibyte UTF-8 characters, numbers and literals, while tracking nesting.
// When a top-level value closes, its bytes (copied once if they span chunks) are decoded and handed to
// JSON.parse. Total work is linear in the bytes received, however the stream is chunked.
//
// The scanner is a full JSON syntax validator, so every error names the stream byte offset where it was
// found. It is stricter than upstream on a few inputs upstream also rejects (lone surrogates, \u0000,
// numbers out of range, nesting deeper than 1000) and on two it accepts: invalid UTF-8 (upstream passes the
// bytes through) and integers a double cannot hold exactly, such as 2^53+1 (upstream keeps int64; a JS number
// cannot, and rounding would be silent corruption).
//
// Errors are fatal: after one, the stream position is unknown, so every later push() returns the same
// error. The owner must close the connection (upstream ovsdb-server drops the connection too).

import type { JsonValue } from './value';
import { maxJsonDepth } from './format';
import { assert } from '../util/assert';

/** Default bound on one message; a full OVN_Southbound snapshot for 10k ports is ~21 MB. */
export const defaultMaxMessageBytes = 256 * 1024 * 1024;
/** Longest number literal accepted (upstream has no such limit, but nobody needs more). */
export const maxNumberChars = 400;

export interface JsonStreamOptions {
  /** Largest top-level value, in bytes from its first to its last byte. */
  maxMessageBytes?: number;
  /** Deepest nesting (top-level container = 1); upstream's limit is 1000. */
  maxDepth?: number;
}

export class JsonStreamError extends Error {
  constructor(
    /** Offset in the stream (bytes since the first byte ever pushed) where the problem was found. */
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`JSON stream error at byte ${offset}: ${problem}`);
    this.name = 'JsonStreamError';
  }
}

export interface JsonStreamBatch {
  /** Complete top-level values, in stream order (those before an error are still delivered). */
  readonly values: JsonValue[];
  /** Set when the stream is broken; it stays broken. */
  readonly error: JsonStreamError | null;
}

const enum Mode {
  Between, // outside any message: whitespace, then '{' or '['
  Value, // a value is expected
  ArrayFirst, // after '[': a value or ']'
  ObjectFirst, // after '{': a member name or '}'
  ObjectKey, // after ',' in an object: a member name
  Colon,
  AfterValue, // ',' or the closing bracket
  String,
  Escape,
  Unicode, // inside \uXXXX
  LowBackslash, // after a high surrogate escape: the backslash of its low half (then Escape expects "u")
  Utf8, // inside a multibyte UTF-8 sequence in a string
  Number,
  Literal,
}

const containerObject = 1;
const containerArray = 2;

function describeByte(b: number): string {
  if (b >= 0x21 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  return `byte 0x${b.toString(16).padStart(2, '0')}`;
}

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

// Number grammar states (RFC 8259 §6): which bytes may come next. Final states: AfterZero, Int, Frac, Exp.
const enum Num {
  Sign, // after '-': a digit
  AfterZero, // a leading 0: '.', 'e' or the end
  Int, // integer digits
  Point, // after '.': a digit
  Frac, // fraction digits
  E, // after 'e': sign or digit
  ExpSign, // after the exponent sign: a digit
  Exp, // exponent digits
}

function isNumberByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || b === 0x2e || b === 0x65 || b === 0x45 || b === 0x2b || b === 0x2d;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

const literals = ['true', 'false', 'null'];

class Fatal {
  constructor(readonly error: JsonStreamError) {}
}

export class JsonStreamReader {
  readonly maxMessageBytes: number;
  readonly maxDepth: number;
  private mode = Mode.Between;
  private readonly stack: Uint8Array;
  private depth = 0;
  private stringIsKey = false;
  private utf8Need = 0;
  private utf8Low = 0x80;
  private utf8High = 0xbf;
  private hexCount = 0;
  private hexAccum = 0;
  private expectLowSurrogate = false;
  private num = Num.Sign;
  private numChars = 0;
  private numIntDigits = 0;
  private numExpDigits = 0;
  private numIsReal = false;
  /** Index in the current chunk where the number (or its rest) begins, and its text from earlier chunks. */
  private numStart = 0;
  private numCarry = '';
  private literal = '';
  private literalIndex = 0;
  /** Stream offset of the first byte of the current chunk. */
  private chunkOffset = 0;
  /** Stream offset of the current message's first byte, or -1 between messages. */
  private messageStart = -1;
  /** Earlier pieces of the current message (copies, so callers may reuse their buffers). */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private broken: JsonStreamError | null = null;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(options: JsonStreamOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? defaultMaxMessageBytes;
    this.maxDepth = options.maxDepth ?? maxJsonDepth;
    assert(Number.isSafeInteger(this.maxMessageBytes) && this.maxMessageBytes > 0, () => `bad maxMessageBytes ${this.maxMessageBytes}`);
    assert(Number.isSafeInteger(this.maxDepth) && this.maxDepth > 0, () => `bad maxDepth ${this.maxDepth}`);
    this.stack = new Uint8Array(this.maxDepth + 1);
  }

  /** Bytes of an unfinished message held in memory. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** True while a message has started but not ended. */
  get inMessage(): boolean {
    return this.messageStart >= 0;
  }

  /** Total bytes pushed so far. */
  get offset(): number {
    return this.chunkOffset;
  }

  get error(): JsonStreamError | null {
    return this.broken;
  }

  push(chunk: Uint8Array): JsonStreamBatch {
    const values: JsonValue[] = [];
    if (this.broken) return { values, error: this.broken };
    let start = 0; // first byte of the current message within this chunk (when it began here)
    let i = 0;
    try {
      while (i < chunk.length) {
        const wasBetween = this.messageStart < 0;
        const end = this.scan(chunk, i);
        if (wasBetween && this.messageStart >= 0) start = this.messageStart - this.chunkOffset;
        if (end < 0) {
          if (this.mode === Mode.Number) this.carryNumber(chunk);
          break; // chunk exhausted inside or between messages
        }
        values.push(this.complete(chunk, start, end));
        i = end;
      }
      if (this.messageStart >= 0) {
        const from = Math.max(0, this.messageStart - this.chunkOffset);
        const held = this.pendingBytes + chunk.length - from;
        if (held > this.maxMessageBytes) this.fail(this.messageStart + this.maxMessageBytes, this.tooBig());
        if (from < chunk.length) {
          this.pending.push(chunk.slice(from));
          this.pendingBytes = held;
        }
      }
    } catch (e) {
      if (!(e instanceof Fatal)) throw e;
      this.broken = e.error;
      this.pending = [];
      this.pendingBytes = 0;
    }
    this.chunkOffset += chunk.length;
    return { values, error: this.broken };
  }

  /** Call at end of stream: an unfinished message is an error (a clean close between messages is not). */
  finish(): JsonStreamError | null {
    if (!this.broken && this.messageStart >= 0) {
      this.broken = new JsonStreamError(this.chunkOffset, `stream ended inside a message that began at byte ${this.messageStart}`);
      this.pending = [];
      this.pendingBytes = 0;
    }
    return this.broken;
  }

  private tooBig(): string {
    return `message that began at byte ${this.messageStart} exceeds maxMessageBytes (${this.maxMessageBytes} bytes)`;
  }

  private fail(offset: number, problem: string): never {
    throw new Fatal(new JsonStreamError(offset, problem));
  }

  /** Builds and parses the message ending just before chunk[end]. */
  private complete(chunk: Uint8Array, start: number, end: number): JsonValue {
    const size = this.pendingBytes + (this.pending.length > 0 ? end : end - start);
    if (size > this.maxMessageBytes) this.fail(this.messageStart + this.maxMessageBytes, this.tooBig());
    let bytes: Uint8Array;
    if (this.pending.length === 0) {
      bytes = chunk.subarray(start, end);
    } else {
      bytes = new Uint8Array(size);
      let at = 0;
      for (const piece of this.pending) {
        bytes.set(piece, at);
        at += piece.length;
      }
      bytes.set(chunk.subarray(0, end), at);
    }
    const messageStart = this.messageStart;
    this.pending = [];
    this.pendingBytes = 0;
    this.messageStart = -1;
    try {
      return JSON.parse(this.decoder.decode(bytes)) as JsonValue;
    } catch (e) {
      // The scanner validated the syntax, so this is a bug in it; still report it as bad input.
      return this.fail(messageStart, `message failed to parse after validation: ${(e as Error).message}`);
    }
  }

  /**
   * Scans chunk from index i. Returns the index just past a completed top-level value, or -1 when the chunk
   * ends first. Sets messageStart when a message begins.
   */
  private scan(chunk: Uint8Array, i: number): number {
    const n = chunk.length;
    for (; i < n; i++) {
      const b = chunk[i]!;
      switch (this.mode) {
        case Mode.String: {
          // Fast path: plain ASCII runs inside strings.
          let j = i;
          let c = b;
          while (c !== 0x22 && c !== 0x5c && c >= 0x20 && c < 0x80) {
            if (++j === n) return -1;
            c = chunk[j]!;
          }
          i = j;
          if (c === 0x22) this.mode = this.stringIsKey ? Mode.Colon : Mode.AfterValue;
          else if (c === 0x5c) this.mode = Mode.Escape;
          else if (c < 0x20) this.fail(this.chunkOffset + i, `control character 0x${c.toString(16).padStart(2, '0')} in a string must be escaped`);
          else this.utf8Lead(c, i);
          break;
        }
        case Mode.Utf8:
          if (b < this.utf8Low || b > this.utf8High) this.fail(this.chunkOffset + i, `invalid UTF-8 continuation ${describeByte(b)} in a string`);
          this.utf8Low = 0x80;
          this.utf8High = 0xbf;
          if (--this.utf8Need === 0) this.mode = Mode.String;
          break;
        case Mode.Escape:
          if (b === 0x75) {
            this.mode = Mode.Unicode;
            this.hexCount = 0;
            this.hexAccum = 0;
          } else if (this.expectLowSurrogate) {
            this.fail(this.chunkOffset + i, 'high surrogate escape not followed by a low surrogate escape');
          } else if (b === 0x22 || b === 0x5c || b === 0x2f || b === 0x62 || b === 0x66 || b === 0x6e || b === 0x72 || b === 0x74) {
            this.mode = Mode.String;
          } else {
            this.fail(this.chunkOffset + i, `invalid escape \\${String.fromCharCode(b)} in a string`);
          }
          break;
        case Mode.Unicode: {
          const h = hexValue(b);
          if (h < 0) this.fail(this.chunkOffset + i, `invalid hex digit ${describeByte(b)} in \\u escape`);
          this.hexAccum = this.hexAccum * 16 + h;
          if (++this.hexCount === 4) this.unicodeEscape(this.hexAccum, i);
          break;
        }
        case Mode.LowBackslash:
          if (b !== 0x5c) this.fail(this.chunkOffset + i, 'high surrogate escape not followed by a low surrogate escape');
          this.mode = Mode.Escape;
          break;
        case Mode.Number:
          if (!isNumberByte(b)) {
            this.endNumber(chunk, i);
            this.mode = Mode.AfterValue;
            i--; // this byte belongs to what follows the number
          } else {
            if (++this.numChars > maxNumberChars) this.fail(this.chunkOffset + i, `number longer than ${maxNumberChars} characters`);
            this.numberStep(b, chunk, i);
          }
          break;
        case Mode.Literal:
          if (b !== this.literal.charCodeAt(this.literalIndex)) {
            this.fail(this.chunkOffset + i, `invalid literal: expected "${this.literal}"`);
          }
          if (++this.literalIndex === this.literal.length) this.mode = Mode.AfterValue;
          break;
        case Mode.Between:
          if (isWhitespace(b)) break;
          if (b !== 0x7b && b !== 0x5b) {
            this.fail(this.chunkOffset + i, `syntax error at beginning of a message: expected '{' or '[', got ${describeByte(b)}`);
          }
          this.messageStart = this.chunkOffset + i;
          this.open(b, i);
          break;
        case Mode.Value:
        case Mode.ArrayFirst:
          if (isWhitespace(b)) break;
          if (b === 0x5d && this.mode === Mode.ArrayFirst) {
            if (this.close(b, i)) return i + 1;
            break;
          }
          this.startValue(b, i);
          break;
        case Mode.ObjectFirst:
        case Mode.ObjectKey:
          if (isWhitespace(b)) break;
          if (b === 0x22) {
            this.stringIsKey = true;
            this.mode = Mode.String;
          } else if (b === 0x7d && this.mode === Mode.ObjectFirst) {
            if (this.close(b, i)) return i + 1;
          } else {
            this.fail(this.chunkOffset + i, `syntax error in object: expected a member name string, got ${describeByte(b)}`);
          }
          break;
        case Mode.Colon:
          if (isWhitespace(b)) break;
          if (b !== 0x3a) this.fail(this.chunkOffset + i, `syntax error in object: expected ':', got ${describeByte(b)}`);
          this.mode = Mode.Value;
          break;
        case Mode.AfterValue: {
          if (isWhitespace(b)) break;
          const top = this.stack[this.depth];
          if (b === 0x2c) {
            this.mode = top === containerObject ? Mode.ObjectKey : Mode.Value;
          } else if (b === 0x7d || b === 0x5d) {
            if (this.close(b, i)) return i + 1;
          } else {
            const expected = top === containerObject ? "',' or '}'" : "',' or ']'";
            this.fail(this.chunkOffset + i, `syntax error: expected ${expected}, got ${describeByte(b)}`);
          }
          break;
        }
      }
    }
    return -1;
  }

  private open(b: number, i: number): void {
    if (this.depth >= this.maxDepth) this.fail(this.chunkOffset + i, `nesting deeper than maxDepth (${this.maxDepth})`);
    this.stack[++this.depth] = b === 0x7b ? containerObject : containerArray;
    this.mode = b === 0x7b ? Mode.ObjectFirst : Mode.ArrayFirst;
  }

  /** Pops a container; true when that ends the top-level value. */
  private close(b: number, i: number): boolean {
    const want = b === 0x7d ? containerObject : containerArray;
    if (this.stack[this.depth] !== want) {
      this.fail(this.chunkOffset + i, `syntax error: ${describeByte(b)} does not match the open ${want === containerObject ? "'['" : "'{'"}`);
    }
    this.depth--;
    this.mode = this.depth === 0 ? Mode.Between : Mode.AfterValue;
    return this.depth === 0;
  }

  private startValue(b: number, i: number): void {
    if (b === 0x7b || b === 0x5b) {
      this.open(b, i);
    } else if (b === 0x22) {
      this.stringIsKey = false;
      this.mode = Mode.String;
    } else if (b === 0x2d || (b >= 0x30 && b <= 0x39)) {
      this.num = b === 0x2d ? Num.Sign : b === 0x30 ? Num.AfterZero : Num.Int;
      this.numChars = 1;
      this.numIntDigits = b === 0x2d ? 0 : 1;
      this.numExpDigits = 0;
      this.numIsReal = false;
      this.numStart = i;
      this.numCarry = '';
      this.mode = Mode.Number;
    } else if (b === 0x74 || b === 0x66 || b === 0x6e) {
      this.literal = literals.find((l) => l.charCodeAt(0) === b)!;
      this.literalIndex = 1;
      this.mode = Mode.Literal;
    } else {
      this.fail(this.chunkOffset + i, `syntax error: expected a value, got ${describeByte(b)}`);
    }
  }

  private utf8Lead(b: number, i: number): void {
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) (need = 2), (low = 0xa0);
    else if (b === 0xed) (need = 2), (high = 0x9f); // excludes UTF-16 surrogates
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) (need = 3), (low = 0x90);
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else if (b === 0xf4) (need = 3), (high = 0x8f);
    else return this.fail(this.chunkOffset + i, `invalid UTF-8 lead ${describeByte(b)} in a string`);
    this.utf8Need = need;
    this.utf8Low = low;
    this.utf8High = high;
    this.mode = Mode.Utf8;
  }

  private unicodeEscape(code: number, i: number): void {
    const at = this.chunkOffset + i - 5; // the backslash
    if (this.expectLowSurrogate) {
      if (code < 0xdc00 || code > 0xdfff) this.fail(at, 'high surrogate escape not followed by a low surrogate escape');
      this.expectLowSurrogate = false;
      this.mode = Mode.String;
    } else if (code >= 0xd800 && code <= 0xdbff) {
      this.expectLowSurrogate = true;
      this.mode = Mode.LowBackslash;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      this.fail(at, `lone low surrogate escape \\u${code.toString(16)}`);
    } else if (code === 0) {
      this.fail(at, '\\u0000 is not allowed (OVSDB strings cannot contain NUL)');
    } else {
      this.mode = Mode.String;
    }
  }

  /** The number's text so far (only built when needed: errors and the rare exactness/range checks). */
  private numberText(chunk: Uint8Array, end: number): string {
    return this.numCarry + latin1(chunk.subarray(this.numStart, end));
  }

  /** Keeps the part of an unfinished number that lies in this chunk (called when a chunk ends mid-number). */
  private carryNumber(chunk: Uint8Array): void {
    this.numCarry = this.numberText(chunk, chunk.length);
    this.numStart = 0;
  }

  private numberStep(b: number, chunk: Uint8Array, i: number): void {
    const digit = b >= 0x30 && b <= 0x39;
    let next: Num | -1 = -1;
    switch (this.num) {
      case Num.Sign:
        if (digit) next = b === 0x30 ? Num.AfterZero : Num.Int;
        break;
      case Num.AfterZero:
      case Num.Int:
        if (digit && this.num === Num.Int) next = Num.Int;
        else if (b === 0x2e) next = Num.Point;
        else if (b === 0x65 || b === 0x45) next = Num.E;
        break;
      case Num.Point:
      case Num.Frac:
        if (digit) next = Num.Frac;
        else if (b === 0x65 || b === 0x45) next = this.num === Num.Frac ? Num.E : -1;
        break;
      case Num.E:
        if (b === 0x2b || b === 0x2d) next = Num.ExpSign;
        else if (digit) next = Num.Exp;
        break;
      case Num.ExpSign:
      case Num.Exp:
        if (digit) next = Num.Exp;
        break;
    }
    if (next === -1) this.fail(this.chunkOffset + i - this.numChars + 1, `invalid number "${this.numberText(chunk, i + 1)}"`);
    if (next === Num.Int || (next === Num.AfterZero && this.num === Num.Sign)) this.numIntDigits++;
    else if (next === Num.Exp) this.numExpDigits++;
    else if (next === Num.Point || next === Num.E) this.numIsReal = true;
    this.num = next;
  }

  private endNumber(chunk: Uint8Array, i: number): void {
    const at = this.chunkOffset + i - this.numChars;
    const state = this.num;
    if (state !== Num.AfterZero && state !== Num.Int && state !== Num.Frac && state !== Num.Exp) {
      this.fail(at, `invalid number "${this.numberText(chunk, i)}"`);
    }
    if (!this.numIsReal) {
      // Up to 15 digits always fit a double; beyond, accept only integers a double holds exactly (1e16 does,
      // 2^53+1 does not), so no value is ever silently rounded.
      if (this.numIntDigits > 15) {
        const text = this.numberText(chunk, i);
        if (BigInt(Number(text)) !== BigInt(text)) {
          this.fail(at, `integer ${text} cannot be represented exactly (it lies beyond 2^53 and is not a double)`);
        }
      }
    } else if (this.numExpDigits >= 3 || this.numIntDigits > 200) {
      // Only a large exponent or a very long integer part can overflow a double.
      const text = this.numberText(chunk, i);
      if (!Number.isFinite(Number(text))) this.fail(at, `number ${text} outside valid range`);
    }
  }
}
