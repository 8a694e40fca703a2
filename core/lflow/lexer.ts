// Lexer for OVN logical flow matches and actions (the token rules of ovn-sb(5) "Logical_Flow"): identifiers
// may contain '.', integers come as decimal, 0x-hex, IPv4, IPv6 or Ethernet text, optionally followed
// directly by "/mask" (same format) or "/prefix" (decimal after an IP address); strings use JSON escapes;
// "$name" is an address set, "@name" a port group; comments are // and /* */. Errors carry positions.
import { LflowError } from './errors';
import { parseIpv4, parseIpv6, parseLexerMac, prefixMask } from './addresses';

export type IntFormat = 'decimal' | 'hex' | 'ipv4' | 'ipv6' | 'ethernet';

export type Punct =
  | '(' | ')' | '{' | '}' | '[' | ']' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '!' | '&&' | '||' | '..'
  | ',' | ';' | '=' | '<->' | '--' | ':' | '-';

export type Token =
  | { type: 'end'; pos: number; end: number }
  | { type: 'id' | 'string' | 'addrset' | 'portgroup'; pos: number; end: number; text: string }
  | { type: 'int'; pos: number; end: number; value: bigint; mask: bigint | null; format: IntFormat }
  | { type: Punct; pos: number; end: number };

export type IntToken = Extract<Token, { type: 'int' }>;

/** Upstream keeps constants in a 1024-bit union (mf_subvalue); wider hex text is an error there too. */
export const maxConstantBits = 1024;
/** Longest input we tokenize: a logical flow column is far shorter; this bounds work on hostile input. */
export const maxInputChars = 1_000_000;

const punctuation: ReadonlyArray<Punct> = [
  '<->', '==', '!=', '<=', '>=', '&&', '||', '..', '--', '(', ')', '{', '}', '[', ']', '<', '>', '!', ',', ';',
  '=', ':', '-',
];

// Character classes by code, not regex: the lexer tests every character of every logical flow.
const isLetterCode = (x: number) => (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
const isDigitCode = (x: number) => x >= 48 && x <= 57;
/** c is one character (or '' past the end, which is no class). */
const isId1 = (c: string) => {
  const x = c.charCodeAt(0);
  return isLetterCode(x) || x === 95 /* _ */ || x === 46 /* . */;
};
const isIdn = (c: string) => isId1(c) || isDigitCode(c.charCodeAt(0));
const isAlnum = (c: string) => {
  const x = c.charCodeAt(0);
  return isLetterCode(x) || isDigitCode(x);
};
const isHexLetter = (c: string) => {
  const x = c.charCodeAt(0) | 0x20;
  return x >= 97 && x <= 102;
};
const isHexDigit = (c: string) => isHexLetter(c) || isDigitCode(c.charCodeAt(0));

export function describeToken(t: Token): string {
  switch (t.type) {
    case 'end':
      return 'end of input';
    case 'id':
      return `\`${t.text}'`;
    case 'string':
      return `string ${JSON.stringify(t.text)}`;
    case 'addrset':
      return `\`$${t.text}'`;
    case 'portgroup':
      return `\`@${t.text}'`;
    case 'int':
      return 'constant';
    default:
      return `\`${t.type}'`;
  }
}

export function tokenize(input: string): Token[] {
  if (input.length > maxInputChars) throw new LflowError(0, `Input longer than ${maxInputChars} characters.`);
  const tokens: Token[] = [];
  let p = 0;
  for (;;) {
    const t = nextToken(input, p);
    tokens.push(t);
    if (t.type === 'end') return tokens;
    p = t.end;
  }
}

function nextToken(s: string, p: number): Token {
  // Skip white space and comments.
  for (;;) {
    const c = s[p];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f') {
      p++;
    } else if (c === '/' && s[p + 1] === '/') {
      while (p < s.length && s[p] !== '\n') p++;
    } else if (c === '/' && s[p + 1] === '*') {
      const close = s.indexOf('*/', p + 2);
      const nl = s.indexOf('\n', p + 2);
      if (close < 0 || (nl >= 0 && nl < close)) throw new LflowError(p, "`/*' without matching `*/'.");
      p = close + 2;
    } else {
      break;
    }
  }
  const start = p;
  if (p >= s.length) return { type: 'end', pos: p, end: p };
  const c = s[p]!;
  if (c === '/') throw new LflowError(p, "`/' is only valid as part of `//' or `/*'.");
  if (c === '&' && s[p + 1] !== '&') throw new LflowError(p, "`&' is only valid as part of `&&'.");
  if (c === '|' && s[p + 1] !== '|') throw new LflowError(p, "`|' is only valid as part of `||'.");
  if (c === '.') {
    // '.' may start an identifier's text elsewhere, but at a token's start it is only the range "..".
    if (s[p + 1] !== '.') throw new LflowError(p, "`.' is only valid as part of `..' or a number.");
    return { type: '..', pos: p, end: p + 2 };
  }
  if (c === '"') return lexString(s, p);
  if (c === '$' || c === '@' || c === '^') {
    if (!isId1(s[p + 1] ?? '')) throw new LflowError(p, `\`${c}' must be followed by a valid identifier.`);
    if (c === '^') throw new LflowError(p, 'Unexpanded template.');
    const id = lexIdText(s, p + 1);
    return { type: c === '$' ? 'addrset' : 'portgroup', pos: start, end: id.end, text: id.text };
  }
  // "::" begins an IPv6 address; a lone ':' is punctuation.
  if ((c === ':' && s[p + 1] === ':') || (c >= '0' && c <= '9')) return lexInteger(s, p);
  if (isHexLetter(c)) {
    // Ethernet and IPv6 text that begins with a hex letter is hex digits then ':'; identifiers never are.
    let q = p;
    while (q < s.length && isHexDigit(s[q]!)) q++;
    if (s[q] === ':') return lexInteger(s, p);
  }
  if (isId1(c)) {
    const id = lexIdText(s, p);
    return { type: 'id', pos: start, end: id.end, text: id.text };
  }
  for (const punct of punctuation) {
    if (s.startsWith(punct, p)) return { type: punct, pos: start, end: p + punct.length };
  }
  const code = c.charCodeAt(0);
  if (code >= 0x20 && code < 0x7f) throw new LflowError(p, `Invalid character \`${c}' in input.`);
  throw new LflowError(p, `Invalid byte 0x${code.toString(16)} in input.`);
}

function lexIdText(s: string, p: number): { text: string; end: number } {
  let q = p + 1;
  while (q < s.length && isIdn(s[q]!)) q++;
  return { text: s.slice(p, q), end: q };
}

function lexString(s: string, p: number): Token {
  let q = p + 1;
  let out = '';
  for (;;) {
    if (q >= s.length) throw new LflowError(p, 'Input ends inside quoted string.');
    const c = s[q]!;
    if (c === '"') return { type: 'string', pos: p, end: q + 1, text: out };
    if (c !== '\\') {
      if (c.charCodeAt(0) < 0x20) throw new LflowError(q, 'Control character in quoted string must be escaped.');
      out += c;
      q++;
      continue;
    }
    const e = s[q + 1];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (e !== undefined && simple[e] !== undefined) {
      out += simple[e];
      q += 2;
    } else if (e === 'u') {
      const hex = s.slice(q + 2, q + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new LflowError(q, 'Malformed \\u escape in quoted string.');
      out += String.fromCharCode(parseInt(hex, 16));
      q += 6;
    } else if (e === undefined) {
      throw new LflowError(p, 'Input ends inside quoted string.');
    } else {
      throw new LflowError(q, `Invalid escape \`\\${e}' in quoted string.`);
    }
  }
}

interface Lexed {
  value: bigint;
  format: IntFormat;
  end: number;
}

function lexBareInteger(s: string, p: number): Lexed {
  // Extent of an "integer": alphanumerics, ':' until a '.' has been seen (so "1.2.3.4:80" splits at ':'),
  // and '.' unless doubled (".." is the range token, as in reg0[1..3]).
  let end = p;
  let sawDot = false;
  for (;;) {
    const c = s[end];
    if (c === undefined) break;
    if (isAlnum(c) || (c === ':' && !sawDot) || (c === '.' && s[end + 1] !== '.')) {
      if (c === '.') sawDot = true;
      end++;
    } else {
      break;
    }
  }
  const text = s.slice(p, end);
  if (text.length === 0) throw new LflowError(p, 'Integer constant expected.');
  const mac = parseLexerMac(text);
  if (mac !== null) return { value: mac, format: 'ethernet', end };
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 1 && text[0] === '0') throw new LflowError(p, 'Decimal constants must not have leading zeros.');
    const v = BigInt(text);
    if (v >= 1n << 64n) throw new LflowError(p, 'Decimal constants must be less than 2**64.');
    return { value: v, format: 'decimal', end };
  }
  if (text[0] === '0' && (text[1] === 'x' || text[1] === 'X')) {
    const digits = text.slice(2);
    if (digits.length === 0) throw new LflowError(p, `Hex digits expected following 0${text[1]}.`);
    if (!/^[0-9a-fA-F]+$/.test(digits)) throw new LflowError(p, 'Invalid syntax in hexadecimal constant.');
    const v = BigInt('0x' + digits);
    if (v >= 1n << BigInt(maxConstantBits)) {
      throw new LflowError(p, `Hexadecimal constant requires more than ${maxConstantBits} bits.`);
    }
    return { value: v, format: 'hex', end };
  }
  const v4 = parseIpv4(text);
  if (v4 !== null) return { value: v4, format: 'ipv4', end };
  const v6 = parseIpv6(text);
  if (v6 !== null) return { value: v6, format: 'ipv6', end };
  throw new LflowError(p, `Invalid numeric constant \`${text}'.`);
}

function lexInteger(s: string, p: number): Token {
  const v = lexBareInteger(s, p);
  if (s[v.end] !== '/') return { type: 'int', pos: p, end: v.end, value: v.value, mask: null, format: v.format };
  // A '/' right after an integer introduces its mask.
  const m = lexBareInteger(s, v.end + 1);
  let format = v.format;
  let mask: bigint;
  if (v.format === m.format) {
    mask = m.value;
  } else if (v.format === 'ipv4' && m.format === 'decimal' && m.value <= 32n) {
    mask = prefixMask(Number(m.value), 32);
  } else if (v.format === 'ipv6' && m.format === 'decimal' && m.value <= 128n) {
    mask = prefixMask(Number(m.value), 128);
  } else if (v.format === 'decimal' && m.format === 'hex' && v.value === 0n) {
    format = 'hex'; // "0/0x1234"
    mask = m.value;
  } else {
    throw new LflowError(v.end + 1, `Value and mask have incompatible formats (${v.format} and ${m.format}).`);
  }
  // Invariant: a 1-bit in the value has a 1-bit in the mask.
  return { type: 'int', pos: p, end: m.end, value: v.value & mask, mask, format };
}
