// Parses JSON text the way upstream's json_from_string()/json_from_file() (lib/json.c) do, so that bad
// input on our command lines and in schema files is reported with upstream's exact message, e.g.
//   line 0, column 1, byte 1: unexpected end of input
// The text must be an object or an array (as upstream requires at top level). Behaviour reproduced:
// a byte-level lexer (keywords are runs of lowercase letters, numbers runs of ".0123456789eE-+"), errors
// positioned before the offending byte, integral numbers that fit int64 as integers, "-0" as 0, duplicate
// object members replacing the earlier value in place, nesting limited to 1000 levels.

import type { JsonObject, JsonValue } from '../../core/json';

export type UpstreamJsonParse = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly error: string };

const maxHeight = 1000;
const int64Max = (1n << 63n) - 1n;
const ullongMax = (1n << 64n) - 1n;
const decoder = new TextDecoder();

class ParseFailure extends Error {}

type Token = { kind: 'punct'; c: string } | { kind: 'value'; value: JsonValue } | { kind: 'string'; s: string };
type ParseState = 'start' | 'end' | 'objectInit' | 'objectName' | 'objectColon' | 'objectValue' | 'objectNext' | 'arrayInit' | 'arrayValue' | 'arrayNext';

function isPrint(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

function putMember(object: JsonObject, name: string, value: JsonValue): void {
  Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Upstream's json_lex_number on the token text; returns the value or an error text. */
function lexNumber(text: string): JsonValue | string {
  let i = 0;
  let negative = false;
  let significand = 0n;
  let pow10 = 0;
  let imprecise = false;
  if (text[i] === '-') {
    negative = true;
    i++;
  }
  if (text[i] === '0') {
    i++;
    if (isDigit(text, i)) return 'leading zeros not allowed';
  } else if (isDigit(text, i)) {
    do {
      if (significand <= ullongMax / 10n) significand = significand * 10n + BigInt(text.charCodeAt(i) - 48);
      else {
        pow10++;
        if (text[i] !== '0') imprecise = true;
      }
      i++;
    } while (isDigit(text, i));
  } else {
    return "'-' must be followed by digit";
  }
  if (text[i] === '.') {
    i++;
    if (!isDigit(text, i)) return 'decimal point must be followed by digit';
    do {
      if (significand <= ullongMax / 10n) {
        significand = significand * 10n + BigInt(text.charCodeAt(i) - 48);
        pow10--;
      } else if (text[i] !== '0') {
        imprecise = true;
      }
      i++;
    } while (isDigit(text, i));
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    let negativeExponent = false;
    if (text[i] === '+') i++;
    else if (text[i] === '-') {
      negativeExponent = true;
      i++;
    }
    if (!isDigit(text, i)) return 'exponent must contain at least one digit';
    let exponent = 0;
    do {
      if (exponent >= Math.floor(2147483647 / 10)) return 'exponent outside valid range';
      exponent = exponent * 10 + (text.charCodeAt(i) - 48);
      i++;
    } while (isDigit(text, i));
    pow10 += negativeExponent ? -exponent : exponent;
  }
  if (i !== text.length) return 'syntax error in number';
  if (significand === 0n) return 0;
  if (!imprecise) {
    let s = significand;
    let p = pow10;
    while (p > 0 && s < ullongMax / 10n) {
      s *= 10n;
      p--;
    }
    while (p < 0 && s % 10n === 0n) {
      s /= 10n;
      p++;
    }
    if (p === 0 && s <= (negative ? int64Max + 1n : int64Max)) return Number(negative ? -s : s);
  }
  const real = Number(text);
  if (!Number.isFinite(real)) return 'number outside valid range';
  return real === 0 ? 0 : real;
}

/** Upstream's json_string_unescape; returns the string or an error text prefixed with "!". */
function unescape(raw: string): { s: string } | { error: string } {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const c = raw[i]!;
    if (c === '"') return { error: 'quoted string may not include unescaped "' };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (i >= raw.length) return { error: 'quoted string may not end with backslash' };
    const e = raw[i++]!;
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (simple[e] !== undefined) {
      out += simple[e];
      continue;
    }
    if (e !== 'u') return { error: `bad escape \\${e}` };
    const hex4 = (at: number): number | string => {
      if (at + 4 > raw.length) return 'quoted string ends within \\u escape';
      const h = raw.slice(at, at + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(h)) return 'malformed \\u escape';
      const v = parseInt(h, 16);
      return v === 0 ? 'null bytes not supported in quoted strings' : v;
    };
    const c0 = hex4(i);
    if (typeof c0 === 'string') return { error: c0 };
    i += 4;
    if (c0 < 0xd800 || c0 > 0xdbff) {
      out += String.fromCharCode(c0);
      continue;
    }
    if (i + 2 > raw.length || raw[i] !== '\\' || raw[i + 1] !== 'u') return { error: 'malformed escaped surrogate pair' };
    i += 2;
    const c1 = hex4(i);
    if (typeof c1 === 'string') return { error: c1 };
    i += 4;
    if (c1 < 0xdc00 || c1 > 0xdfff) return { error: 'second half of escaped surrogate pair is not trailing surrogate' };
    out += String.fromCharCode(c0, c1);
  }
  return { s: out };
}

export function parseUpstreamJson(input: Uint8Array | string): UpstreamJsonParse {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  let line = 0;
  let column = 0;
  let byte = 0;
  let lex: 'start' | 'keyword' | 'number' | 'string' | 'escape' = 'start';
  let tokenStart = 0;
  let state: ParseState = 'start';
  const stack: (JsonObject | JsonValue[])[] = [];
  let memberName: string | null = null;
  let root: JsonValue = null;

  const fail = (message: string): never => {
    throw new ParseFailure(`line ${line}, column ${column}, byte ${byte}: ${message}`);
  };
  const putValue = (value: JsonValue): void => {
    const top = stack[stack.length - 1]!;
    if (Array.isArray(top)) top.push(value);
    else {
      putMember(top, memberName!, value);
      memberName = null;
    }
  };
  const push = (container: JsonObject | JsonValue[], next: ParseState): void => {
    if (stack.length >= maxHeight) fail(`input exceeds maximum nesting depth ${maxHeight}`);
    if (stack.length > 0) putValue(container);
    else root = container;
    stack.push(container);
    state = next;
  };
  const pop = (): void => {
    if (stack.length === 1) {
      state = 'end';
      return;
    }
    stack.pop();
    state = Array.isArray(stack[stack.length - 1]) ? 'arrayNext' : 'objectNext';
  };
  const parseValue = (t: Token, next: ParseState): void => {
    if (t.kind === 'punct') {
      if (t.c === '{') return push({}, 'objectInit');
      if (t.c === '[') return push([], 'arrayInit');
      fail('syntax error expecting value');
    }
    putValue(t.kind === 'string' ? t.s : (t as { value: JsonValue }).value);
    state = next;
  };
  const input1 = (t: Token): void => {
    const punct = t.kind === 'punct' ? t.c : null;
    switch (state) {
      case 'start':
        if (punct === '{') push({}, 'objectInit');
        else if (punct === '[') push([], 'arrayInit');
        else fail('syntax error at beginning of input');
        break;
      case 'end':
        fail('trailing garbage at end of input');
        break;
      case 'objectInit':
      case 'objectName':
        if (state === 'objectInit' && punct === '}') {
          pop();
          break;
        }
        if (t.kind === 'string') {
          memberName = t.s;
          state = 'objectColon';
        } else fail('syntax error parsing object expecting string');
        break;
      case 'objectColon':
        if (punct === ':') state = 'objectValue';
        else fail("syntax error parsing object expecting ':'");
        break;
      case 'objectValue':
        parseValue(t, 'objectNext');
        break;
      case 'objectNext':
        if (punct === ',') state = 'objectName';
        else if (punct === '}') pop();
        else fail("syntax error expecting '}' or ','");
        break;
      case 'arrayInit':
      case 'arrayValue':
        if (state === 'arrayInit' && punct === ']') {
          pop();
          break;
        }
        parseValue(t, 'arrayNext');
        break;
      case 'arrayNext':
        if (punct === ',') state = 'arrayValue';
        else if (punct === ']') pop();
        else fail("syntax error expecting ']' or ','");
        break;
    }
    lex = 'start';
  };
  const lexKeyword = (word: string): void => {
    if (word === 'false') input1({ kind: 'value', value: false });
    else if (word === 'true') input1({ kind: 'value', value: true });
    else if (word === 'null') input1({ kind: 'value', value: null });
    else fail(`invalid keyword '${word}'`);
  };
  const lexNumberToken = (word: string): void => {
    const v = lexNumber(word);
    if (typeof v === 'string') fail(v);
    input1({ kind: 'value', value: v as JsonValue });
  };
  const account = (c: number): void => {
    byte++;
    if (c === 0x0a) {
      column = 0;
      line++;
    } else column++;
  };
  const feed = (data: Uint8Array): void => {
    for (let i = 0; i < data.length; ) {
      const c = data[i]!;
      let consumed = true;
      switch (lex) {
        case 'start':
          if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
            // whitespace
          } else if (c >= 0x61 && c <= 0x7a) {
            lex = 'keyword';
            tokenStart = i;
          } else if ('[{]}:,'.includes(String.fromCharCode(c))) {
            input1({ kind: 'punct', c: String.fromCharCode(c) });
          } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
            lex = 'number';
            tokenStart = i;
          } else if (c === 0x22) {
            lex = 'string';
            tokenStart = i + 1;
          } else {
            fail(isPrint(c) ? `invalid character '${String.fromCharCode(c)}'` : `invalid character U+${c.toString(16).padStart(4, '0')}`);
          }
          break;
        case 'keyword':
          if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) {
            lexKeyword(decoder.decode(data.subarray(tokenStart, i)));
            consumed = false;
          }
          break;
        case 'number':
          if (!'.0123456789eE-+'.includes(String.fromCharCode(c))) {
            lexNumberToken(decoder.decode(data.subarray(tokenStart, i)));
            consumed = false;
          }
          break;
        case 'string':
          if (c === 0x5c) lex = 'escape';
          else if (c === 0x22) {
            const u = unescape(decoder.decode(data.subarray(tokenStart, i)));
            if ('error' in u) fail(u.error);
            else input1({ kind: 'string', s: u.s });
          } else if (c < 0x20) fail(`U+${c.toString(16).toUpperCase().padStart(4, '0')} must be escaped in quoted string`);
          break;
        case 'escape':
          lex = 'string';
          break;
      }
      if (consumed) {
        account(c);
        i++;
      }
    }
  };
  try {
    feed(bytes);
    const pending = lex as string;
    if (pending === 'string' || pending === 'escape') fail('unexpected end of input in quoted string');
    if (pending === 'number' || pending === 'keyword') {
      // Upstream feeds one space to flush the pending token; its text is what lies after tokenStart.
      const word = decoder.decode(bytes.subarray(tokenStart));
      if (pending === 'keyword') lexKeyword(word);
      else lexNumberToken(word);
      account(0x20); // the flushing space itself, lexed as whitespace
    }
    const final = state as ParseState;
    if (final === 'start') fail('empty input stream');
    if (final !== 'end') fail('unexpected end of input');
    return { ok: true, value: root };
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, error: e.message };
    throw e;
  }
}
