// Tokenizing helpers for ovs-ofctl flow syntax: splitting at top-level commas, numbers in C notation,
// subfield references ("NXM_NX_REG0[0..15]") and field values with masks.

import { bigIntToBytes } from '../bytes';
import type { FieldDef } from '../oxm-fields';
import { codeByName, fieldBytes, fieldByName, preferredCode } from '../oxm-fields';
import type { Subfield } from '../oxm';
import { ctStateBits } from './values';

export class FlowSyntaxError extends Error {
  constructor(readonly text: string, reason: string) {
    super(`${reason} (in "${text}")`);
    this.name = 'FlowSyntaxError';
  }
}

export const maxNestingDepth = 16;

/** Splits at commas (and optionally whitespace) that are not inside parentheses. */
export function splitTopLevel(s: string, alsoWhitespace = false): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0 || depth > maxNestingDepth) throw new FlowSyntaxError(s, 'unbalanced parentheses');
    if (depth === 0 && (ch === ',' || (alsoWhitespace && /\s/.test(ch)))) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) throw new FlowSyntaxError(s, 'unbalanced parentheses');
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** A C-style unsigned integer: decimal or 0x hex. */
export function parseUint(s: string, what: string): bigint {
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t) || /^[0-9]+$/.test(t)) return BigInt(t);
  throw new FlowSyntaxError(s, `bad ${what} "${s}"`);
}

export function parseSmall(s: string, what: string, max: number): number {
  const v = parseUint(s, what);
  if (v > BigInt(max)) throw new FlowSyntaxError(s, `${what} ${v} exceeds ${max}`);
  return Number(v);
}

export function findField(name: string): FieldDef {
  const f = fieldByName(name);
  if (!f) throw new FlowSyntaxError(name, `unknown field "${name}"`);
  return f;
}

/** "NXM_NX_REG0[0..15]", "reg0[]", "NXM_OF_IN_PORT[]", "NXM_NX_REG9[1]". `version` picks the header for field names. */
export function parseSubfield(s: string, version = 6): Subfield {
  const m = /^([A-Za-z0-9_]+)\[(?:(\d+)(?:\.\.(\d+))?)?\]$/.exec(s.trim());
  if (!m) throw new FlowSyntaxError(s, 'bad subfield (expected NAME[], NAME[n] or NAME[a..b])');
  const byCode = codeByName(m[1]!);
  const field = byCode?.field ?? findField(m[1]!);
  const code = byCode?.code ?? preferredCode(field, version);
  if (!code) throw new FlowSyntaxError(s, `field ${field.name} has no NXM/OXM encoding`);
  const ofs = m[2] === undefined ? 0 : Number(m[2]);
  const end = m[2] === undefined ? field.bits - 1 : m[3] === undefined ? ofs : Number(m[3]);
  if (end < ofs || end >= field.bits) throw new FlowSyntaxError(s, `bit range outside the ${field.bits}-bit field`);
  return { field, code, ofs, nBits: end - ofs + 1 };
}

function parseIpv4(s: string): bigint | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const x = Number(m[i]);
    if (x > 255) return undefined;
    v = (v << 8n) | BigInt(x);
  }
  return v;
}

function parseMac(s: string): bigint | undefined {
  if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i.test(s)) return undefined;
  return s.split(':').reduce((acc, x) => (acc << 8n) | BigInt(parseInt(x, 16)), 0n);
}

export function parseIpv6(s: string): bigint | undefined {
  let t = s;
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let extra: bigint[] = [];
  const last = all[all.length - 1];
  if (last && last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    all.pop();
    if (tail.length) tail.pop(); else head.pop();
    extra = [v4 >> 16n, v4 & 0xffffn];
  }
  const fill = 8 - head.length - tail.length - extra.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const words = [...head.map((g) => BigInt(parseInt(g, 16))), ...Array<bigint>(halves.length === 2 ? fill : 0).fill(0n), ...tail.map((g) => BigInt(parseInt(g, 16))), ...extra];
  if (words.length !== 8 || [...head, ...tail].some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return words.reduce((acc, w) => (acc << 16n) | w, 0n);
}

function prefixMask(bits: number, prefix: number): bigint {
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/** OpenFlow reserved port names (16-bit OVS numbering). */
export const portNames: Readonly<Record<string, number>> = {
  IN_PORT: 0xfff8, TABLE: 0xfff9, NORMAL: 0xfffa, FLOOD: 0xfffb, ALL: 0xfffc, CONTROLLER: 0xfffd, LOCAL: 0xfffe, ANY: 0xffff, NONE: 0xffff,
};

/** One scalar of a field's format (no mask). */
function parseScalar(f: FieldDef, s: string): bigint {
  const bytes = fieldBytes(f);
  let v: bigint | undefined;
  const named = f.format === 'port' ? portNames[s.toUpperCase()] : undefined;
  if (named !== undefined) return bytes === 4 ? BigInt(named) + 0xffff0000n : BigInt(named);
  if (f.format === 'ipv4') v = parseIpv4(s);
  else if (f.format === 'ipv6') v = parseIpv6(s);
  else if (f.format === 'ethernet') v = parseMac(s);
  if (v === undefined) v = parseUint(s, `${f.name} value`);
  if (v >> BigInt(8 * bytes) !== 0n) throw new FlowSyntaxError(s, `value too large for ${f.name}`);
  return v;
}

/** "value", "value/mask" or, for addresses, "addr/prefixlen". Mask undefined = exact. */
export function parseFieldValue(f: FieldDef, s: string): { v: bigint; m?: bigint } {
  if (f.format === 'ctState') return parseCtState(s);
  const slash = s.indexOf('/');
  if (slash < 0) return { v: parseScalar(f, s) };
  const vs = s.slice(0, slash);
  const ms = s.slice(slash + 1);
  const v = parseScalar(f, vs);
  if ((f.format === 'ipv4' || f.format === 'ipv6') && /^\d+$/.test(ms)) {
    const bits = fieldBytes(f) * 8;
    const p = Number(ms);
    if (p > bits) throw new FlowSyntaxError(s, 'prefix length too long');
    return { v, m: prefixMask(bits, p) };
  }
  return { v, m: parseScalar(f, ms) };
}

/** ct_state: "+trk-new", "trk|new", or a number/mask. */
export function parseCtState(s: string): { v: bigint; m?: bigint } {
  if (/^(0x[0-9a-f]+|\d+)(\/(0x[0-9a-f]+|\d+))?$/i.test(s)) {
    const [a, b] = s.split('/');
    return b === undefined ? { v: BigInt(a!) } : { v: BigInt(a!), m: BigInt(b) };
  }
  const bit = (name: string) => {
    const e = ctStateBits.find(([, n]) => n === name);
    if (!e) throw new FlowSyntaxError(s, `unknown ct_state flag "${name}"`);
    return BigInt(e[0]);
  };
  if (s.includes('|') || /^[a-z]+$/.test(s)) {
    let v = 0n;
    for (const n of s.split('|')) v |= bit(n);
    return { v };
  }
  let v = 0n;
  let m = 0n;
  for (const [, sign, name] of s.matchAll(/([+-])([a-z]+)/g)) {
    const b = bit(name!);
    m |= b;
    if (sign === '+') v |= b;
  }
  return { v, m };
}

export function toBytes(v: bigint, n: number): Uint8Array {
  return bigIntToBytes(v, n);
}
