// DNS messages (RFC 1035): header, questions and resource records; names decompressed on parse (pointers
// must point backwards, bounded jumps), written uncompressed on build. A/AAAA/CNAME/PTR/NS rdata typed.
import { Cursor, Writer, readU16 } from './bytes';
import { assert } from '../util/assert';
import { toIpv4, toIpv6, type Ipv4Like, type Ipv6Like } from './address';

export const dnsTypes = { a: 1, ns: 2, cname: 5, soa: 6, ptr: 12, mx: 15, txt: 16, aaaa: 28, srv: 33, any: 255 } as const;
export const dnsClassIn = 1;
const maxNameBytes = 255;
const maxLabelBytes = 63;
/** Bound on compression pointers followed while reading one name. */
export const maxNamePointerJumpsCount = 64;

export interface DnsFlags {
  readonly qr: boolean;
  readonly opcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly rd: boolean;
  readonly ra: boolean;
  readonly rcode: number;
}

export interface DnsQuestion {
  /** Dotted, without the trailing dot ("" is the root). */
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export type DnsRdata =
  | { readonly kind: 'a'; readonly address: number }
  | { readonly kind: 'aaaa'; readonly address: Uint8Array }
  | { readonly kind: 'cname' | 'ptr' | 'ns'; readonly name: string }
  | { readonly kind: 'raw'; readonly data: Uint8Array };

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  readonly rdata: DnsRdata;
}

export interface DnsMessage {
  readonly kind: 'dns';
  readonly id: number;
  readonly flags: DnsFlags;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

/** Reads a possibly compressed name at c.pos; leaves c after the name's in-place bytes. */
function readName(c: Cursor): string {
  const msg = c.bytes;
  const labels: string[] = [];
  let pos = c.pos;
  let endOfInPlace = -1; // where the cursor resumes once the first pointer is followed
  let nameBytes = 1;
  for (let jumps = 0; ; ) {
    if (pos >= msg.length) c.error('truncated name', c.base + pos);
    const len = msg[pos]!;
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) c.error('truncated compression pointer', c.base + pos);
      const target = readU16(msg, pos) & 0x3fff;
      if (target >= pos) c.error(`compression pointer to ${target} does not point backwards`, c.base + pos);
      if (++jumps > maxNamePointerJumpsCount) c.error(`more than ${maxNamePointerJumpsCount} compression pointers`, c.base + pos);
      if (endOfInPlace < 0) endOfInPlace = pos + 2;
      pos = target;
      continue;
    }
    if (len & 0xc0) c.error(`reserved label type 0x${(len & 0xc0).toString(16)}`, c.base + pos);
    if (len === 0) {
      pos += 1;
      break;
    }
    if (pos + 1 + len > msg.length) c.error('truncated label', c.base + pos);
    nameBytes += len + 1;
    if (nameBytes > maxNameBytes) c.error(`name longer than ${maxNameBytes} bytes`, c.base + pos);
    labels.push(String.fromCharCode(...msg.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
  c.pos = endOfInPlace >= 0 ? endOfInPlace : pos;
  return labels.join('.');
}

function readRdata(c: Cursor, type: number, length: number): DnsRdata {
  const at = c.offset;
  const end = c.pos + length;
  c.need(length, 'rdata');
  let rdata: DnsRdata;
  if (type === dnsTypes.a) {
    if (length !== 4) c.error(`A record rdata length ${length}, want 4`, at);
    rdata = { kind: 'a', address: c.u32() };
  } else if (type === dnsTypes.aaaa) {
    if (length !== 16) c.error(`AAAA record rdata length ${length}, want 16`, at);
    rdata = { kind: 'aaaa', address: c.take(16) };
  } else if (type === dnsTypes.cname || type === dnsTypes.ptr || type === dnsTypes.ns) {
    const name = readName(c);
    if (c.pos !== end) c.error(`name in rdata ends at ${c.base + c.pos}, rdata ends at ${c.base + end}`, at);
    rdata = { kind: type === dnsTypes.cname ? 'cname' : type === dnsTypes.ptr ? 'ptr' : 'ns', name };
  } else {
    rdata = { kind: 'raw', data: c.take(length) };
  }
  return rdata;
}

function readRecord(c: Cursor): DnsRecord {
  const name = readName(c);
  const type = c.u16('record type');
  const klass = c.u16('record class');
  const ttl = c.u32('record TTL');
  const length = c.u16('rdata length');
  return { name, type, class: klass, ttl, rdata: readRdata(c, type, length) };
}

export function readDns(bytes: Uint8Array, base = 0): DnsMessage {
  const c = new Cursor(bytes, 'dns', base);
  c.need(12, 'DNS header');
  const id = c.u16();
  const f = c.u16();
  const counts = [c.u16(), c.u16(), c.u16(), c.u16()] as const;
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(c);
    questions.push({ name, type: c.u16('question type'), class: c.u16('question class') });
  }
  const sections: DnsRecord[][] = [[], [], []];
  for (let s = 0; s < 3; s++) for (let i = 0; i < counts[s + 1]!; i++) sections[s]!.push(readRecord(c));
  return {
    kind: 'dns',
    id,
    flags: {
      qr: (f & 0x8000) !== 0, opcode: (f >>> 11) & 0xf, aa: (f & 0x400) !== 0, tc: (f & 0x200) !== 0,
      rd: (f & 0x100) !== 0, ra: (f & 0x80) !== 0, rcode: f & 0xf,
    },
    questions,
    answers: sections[0]!,
    authorities: sections[1]!,
    additionals: sections[2]!,
  };
}

export type DnsRdataSpec =
  | { readonly kind: 'a'; readonly address: Ipv4Like }
  | { readonly kind: 'aaaa'; readonly address: Ipv6Like }
  | { readonly kind: 'cname' | 'ptr' | 'ns'; readonly name: string }
  | { readonly kind: 'raw'; readonly type: number; readonly data: Uint8Array };

export interface DnsRecordSpec {
  readonly name: string;
  readonly ttl?: number;
  readonly class?: number;
  readonly rdata: DnsRdataSpec;
}

export interface DnsSpec {
  readonly id: number;
  readonly flags?: Partial<DnsFlags>;
  readonly questions?: readonly { readonly name: string; readonly type: number; readonly class?: number }[];
  readonly answers?: readonly DnsRecordSpec[];
  readonly authorities?: readonly DnsRecordSpec[];
  readonly additionals?: readonly DnsRecordSpec[];
}

function writeName(w: Writer, name: string): void {
  const labels = name === '' || name === '.' ? [] : name.replace(/\.$/, '').split('.');
  let total = 1;
  for (const l of labels) {
    assert(l.length >= 1 && l.length <= maxLabelBytes, () => `DNS label "${l}" in "${name}" must be 1..63 bytes`);
    total += l.length + 1;
    w.u8(l.length);
    for (let i = 0; i < l.length; i++) w.u8(l.charCodeAt(i));
  }
  assert(total <= maxNameBytes, () => `DNS name "${name}" longer than ${maxNameBytes} bytes`);
  w.u8(0);
}

const rdataTypes = { a: dnsTypes.a, aaaa: dnsTypes.aaaa, cname: dnsTypes.cname, ptr: dnsTypes.ptr, ns: dnsTypes.ns } as const;

function writeRecord(w: Writer, r: DnsRecordSpec): void {
  writeName(w, r.name);
  const rd = r.rdata;
  w.u16(rd.kind === 'raw' ? rd.type : rdataTypes[rd.kind]).u16(r.class ?? dnsClassIn).u32(r.ttl ?? 0);
  const lengthAt = w.length;
  w.u16(0);
  if (rd.kind === 'a') w.u32(toIpv4(rd.address));
  else if (rd.kind === 'aaaa') w.bytes(toIpv6(rd.address));
  else if (rd.kind === 'raw') w.bytes(rd.data);
  else writeName(w, rd.name);
  w.patchU16(lengthAt, w.length - lengthAt - 2);
}

export function encodeDns(spec: DnsSpec): Uint8Array {
  const f = spec.flags ?? {};
  const flags =
    (f.qr ? 0x8000 : 0) | ((f.opcode ?? 0) << 11) | (f.aa ? 0x400 : 0) | (f.tc ? 0x200 : 0) |
    (f.rd ?? true ? 0x100 : 0) | (f.ra ? 0x80 : 0) | (f.rcode ?? 0);
  const qs = spec.questions ?? [];
  const an = spec.answers ?? [];
  const ns = spec.authorities ?? [];
  const ar = spec.additionals ?? [];
  const w = new Writer().u16(spec.id).u16(flags).u16(qs.length).u16(an.length).u16(ns.length).u16(ar.length);
  for (const q of qs) {
    writeName(w, q.name);
    w.u16(q.type).u16(q.class ?? dnsClassIn);
  }
  for (const r of [...an, ...ns, ...ar]) writeRecord(w, r);
  return w.finish();
}
