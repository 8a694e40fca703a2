// ICMPv6 (RFC 4443) with Neighbor Discovery (RFC 4861: RS, RA, NS, NA, redirect) and MLD (RFC 2710 v1,
// RFC 3810 v2 query/report) decoded into typed messages. The checksum covers the IPv6 pseudo-header.
import { Cursor, Writer } from './bytes';
import { l4Checksum, type PseudoHeader } from './checksum';
import { ipProtocols } from './ip-protocols';
import { toIpv6, type Ipv6Like } from './address';
import { encodeNdOptions, readNdOptions, type NdOption, type NdOptionSpec } from './nd-options';

export const icmp6Types = {
  destinationUnreachable: 1, packetTooBig: 2, timeExceeded: 3, parameterProblem: 4,
  echoRequest: 128, echoReply: 129, mldQuery: 130, mldReport: 131, mldDone: 132,
  routerSolicitation: 133, routerAdvertisement: 134, neighborSolicitation: 135, neighborAdvertisement: 136,
  redirect: 137, mld2Report: 143,
} as const;
/** Bound on MLDv2 records and sources parsed from one message. */
export const maxMldEntriesCount = 1024;

export interface MldRecord {
  readonly recordType: number;
  readonly multicastAddress: Uint8Array;
  readonly sources: readonly Uint8Array[];
  readonly auxData: Uint8Array;
}

export type Icmp6Message =
  | { readonly kind: 'echo'; readonly identifier: number; readonly sequence: number; readonly data: Uint8Array }
  | { readonly kind: 'rs'; readonly options: readonly NdOption[] }
  | {
      readonly kind: 'ra'; readonly curHopLimit: number; readonly managed: boolean; readonly other: boolean;
      readonly routerLifetime: number; readonly reachableTime: number; readonly retransTimer: number;
      readonly options: readonly NdOption[];
    }
  | { readonly kind: 'ns'; readonly target: Uint8Array; readonly options: readonly NdOption[] }
  | {
      readonly kind: 'na'; readonly router: boolean; readonly solicited: boolean; readonly override: boolean;
      readonly target: Uint8Array; readonly options: readonly NdOption[];
    }
  | { readonly kind: 'redirect'; readonly target: Uint8Array; readonly destination: Uint8Array; readonly options: readonly NdOption[] }
  | {
      readonly kind: 'mld'; readonly maxResponseDelay: number; readonly multicastAddress: Uint8Array;
      /** MLDv2 query fields (present when the query is at least 28 bytes). */
      readonly v2?: { readonly suppress: boolean; readonly qrv: number; readonly qqic: number; readonly sources: readonly Uint8Array[] };
    }
  | { readonly kind: 'mld2-report'; readonly records: readonly MldRecord[] }
  | { readonly kind: 'other' };

export interface Icmp6Packet {
  readonly kind: 'icmp6';
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  /** True when the checksum verifies or no pseudo-header was given to check it. */
  readonly checksumValid: boolean;
  /** Bytes after the 4-byte type/code/checksum header. */
  readonly body: Uint8Array;
  readonly message: Icmp6Message;
}

type BodyReader = (c: Cursor) => Icmp6Message;

const readers: ReadonlyMap<number, BodyReader> = new Map<number, BodyReader>([
  [icmp6Types.echoRequest, readEcho],
  [icmp6Types.echoReply, readEcho],
  [icmp6Types.routerSolicitation, (c) => (c.skip(4, 'reserved'), { kind: 'rs', options: readNdOptions(...c.restAt()) })],
  [icmp6Types.routerAdvertisement, (c) => {
    const curHopLimit = c.u8();
    const flags = c.u8();
    const routerLifetime = c.u16();
    const reachableTime = c.u32();
    const retransTimer = c.u32();
    return {
      kind: 'ra', curHopLimit, managed: (flags & 0x80) !== 0, other: (flags & 0x40) !== 0,
      routerLifetime, reachableTime, retransTimer, options: readNdOptions(...c.restAt()),
    };
  }],
  [icmp6Types.neighborSolicitation, (c) => {
    c.skip(4, 'reserved');
    const target = c.take(16, 'target address');
    return { kind: 'ns', target, options: readNdOptions(...c.restAt()) };
  }],
  [icmp6Types.neighborAdvertisement, (c) => {
    const flags = c.u8();
    c.skip(3, 'reserved');
    const target = c.take(16, 'target address');
    return {
      kind: 'na', router: (flags & 0x80) !== 0, solicited: (flags & 0x40) !== 0, override: (flags & 0x20) !== 0,
      target, options: readNdOptions(...c.restAt()),
    };
  }],
  [icmp6Types.redirect, (c) => {
    c.skip(4, 'reserved');
    const target = c.take(16, 'target address');
    const destination = c.take(16, 'destination address');
    return { kind: 'redirect', target, destination, options: readNdOptions(...c.restAt()) };
  }],
  [icmp6Types.mldQuery, readMld],
  [icmp6Types.mldReport, readMld],
  [icmp6Types.mldDone, readMld],
  [icmp6Types.mld2Report, readMld2Report],
]);

function readEcho(c: Cursor): Icmp6Message {
  const identifier = c.u16();
  const sequence = c.u16();
  return { kind: 'echo', identifier, sequence, data: c.rest() };
}

function readMld(c: Cursor): Icmp6Message {
  const maxResponseDelay = c.u16();
  c.skip(2, 'reserved');
  const multicastAddress = c.take(16, 'multicast address');
  if (c.remaining < 4) return { kind: 'mld', maxResponseDelay, multicastAddress };
  const sqrv = c.u8();
  const qqic = c.u8();
  const n = c.u16();
  if (n > maxMldEntriesCount) c.error(`${n} sources exceed bound ${maxMldEntriesCount}`);
  const sources: Uint8Array[] = [];
  for (let i = 0; i < n; i++) sources.push(c.take(16, `source ${i}`));
  return { kind: 'mld', maxResponseDelay, multicastAddress, v2: { suppress: (sqrv & 8) !== 0, qrv: sqrv & 7, qqic, sources } };
}

function readMld2Report(c: Cursor): Icmp6Message {
  c.skip(2, 'reserved');
  const n = c.u16();
  if (n > maxMldEntriesCount) c.error(`${n} records exceed bound ${maxMldEntriesCount}`);
  const records: MldRecord[] = [];
  for (let i = 0; i < n; i++) {
    const recordType = c.u8('record type');
    const auxWords = c.u8();
    const ns = c.u16();
    const multicastAddress = c.take(16, 'multicast address');
    const sources: Uint8Array[] = [];
    for (let j = 0; j < ns; j++) sources.push(c.take(16, `record ${i} source ${j}`));
    records.push({ recordType, multicastAddress, sources, auxData: c.take(auxWords * 4, 'aux data') });
  }
  return { kind: 'mld2-report', records };
}

export function readIcmp6(bytes: Uint8Array, base = 0, pseudo?: PseudoHeader): Icmp6Packet {
  const c = new Cursor(bytes, 'icmp6', base);
  const type = c.u8('ICMPv6 type');
  const code = c.u8('ICMPv6 code');
  const checksum = c.u16('ICMPv6 checksum');
  const body = bytes.subarray(4);
  const reader = readers.get(type);
  const message = reader ? reader(new Cursor(body, 'icmp6', base + 4)) : { kind: 'other' as const };
  return {
    kind: 'icmp6', type, code, checksum,
    checksumValid: pseudo ? l4Checksum(pseudo, ipProtocols.icmpv6, bytes) === 0 : true,
    body, message,
  };
}

export type Icmp6MessageSpec =
  | { readonly kind: 'echo-request' | 'echo-reply'; readonly identifier: number; readonly sequence: number; readonly data?: Uint8Array }
  | { readonly kind: 'rs'; readonly options?: readonly NdOptionSpec[] }
  | {
      readonly kind: 'ra'; readonly curHopLimit?: number; readonly managed?: boolean; readonly other?: boolean;
      readonly routerLifetime?: number; readonly reachableTime?: number; readonly retransTimer?: number;
      readonly options?: readonly NdOptionSpec[];
    }
  | { readonly kind: 'ns'; readonly target: Ipv6Like; readonly options?: readonly NdOptionSpec[] }
  | {
      readonly kind: 'na'; readonly target: Ipv6Like; readonly router?: boolean; readonly solicited?: boolean;
      readonly override?: boolean; readonly options?: readonly NdOptionSpec[];
    }
  | { readonly kind: 'mld-report' | 'mld-done' | 'mld-query'; readonly multicastAddress: Ipv6Like; readonly maxResponseDelay?: number }
  | { readonly kind: 'mld2-report'; readonly records: readonly { readonly recordType: number; readonly multicastAddress: Ipv6Like; readonly sources?: readonly Ipv6Like[] }[] };

export interface Icmp6Spec {
  /** Either a typed message, or a raw type/code/body. */
  readonly message?: Icmp6MessageSpec;
  readonly type?: number;
  readonly code?: number;
  readonly body?: Uint8Array;
  readonly checksum?: number;
}

function encodeMessage(m: Icmp6MessageSpec): { type: number; body: Uint8Array } {
  const w = new Writer();
  switch (m.kind) {
    case 'echo-request':
    case 'echo-reply':
      w.u16(m.identifier).u16(m.sequence).bytes(m.data ?? new Uint8Array(0));
      return { type: m.kind === 'echo-request' ? 128 : 129, body: w.finish() };
    case 'rs':
      return { type: 133, body: w.u32(0).bytes(encodeNdOptions(m.options ?? [])).finish() };
    case 'ra':
      w.u8(m.curHopLimit ?? 64).u8((m.managed ? 0x80 : 0) | (m.other ? 0x40 : 0)).u16(m.routerLifetime ?? 1800)
        .u32(m.reachableTime ?? 0).u32(m.retransTimer ?? 0).bytes(encodeNdOptions(m.options ?? []));
      return { type: 134, body: w.finish() };
    case 'ns':
      return { type: 135, body: w.u32(0).bytes(toIpv6(m.target)).bytes(encodeNdOptions(m.options ?? [])).finish() };
    case 'na':
      w.u8((m.router ? 0x80 : 0) | (m.solicited ? 0x40 : 0) | (m.override ? 0x20 : 0)).zeros(3)
        .bytes(toIpv6(m.target)).bytes(encodeNdOptions(m.options ?? []));
      return { type: 136, body: w.finish() };
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
      w.u16(m.maxResponseDelay ?? 0).u16(0).bytes(toIpv6(m.multicastAddress));
      return { type: m.kind === 'mld-query' ? 130 : m.kind === 'mld-report' ? 131 : 132, body: w.finish() };
    case 'mld2-report':
      w.u16(0).u16(m.records.length);
      for (const r of m.records) {
        const sources = r.sources ?? [];
        w.u8(r.recordType).u8(0).u16(sources.length).bytes(toIpv6(r.multicastAddress));
        for (const s of sources) w.bytes(toIpv6(s));
      }
      return { type: 143, body: w.finish() };
  }
}

export function encodeIcmp6(spec: Icmp6Spec, pseudo: PseudoHeader): Uint8Array {
  const { type, body } = spec.message
    ? encodeMessage(spec.message)
    : { type: spec.type ?? 0, body: spec.body ?? new Uint8Array(0) };
  const w = new Writer().u8(type).u8(spec.code ?? 0).u16(0).bytes(body);
  w.patchU16(2, spec.checksum ?? l4Checksum(pseudo, ipProtocols.icmpv6, w.finish()));
  return w.finish();
}
