// DHCPv4 (RFC 2131/2132): the BOOTP header, magic cookie and option TLVs (pad and end handled).
import { Cursor, Writer, readU16, readU32 } from './bytes';
import { assert } from '../util/assert';
import { ipv4ToBytes, toIpv4, toMac, type Ipv4Like, type MacLike } from './address';

export const dhcp4MagicCookie = 0x63825363;
const fixedBytes = 236;
/** RFC 1542 2.1: BOOTP messages are at least 300 bytes; short ones are padded after the end option. */
export const minBootpMessageBytes = 300;
/** Bound on options parsed from one message. */
export const maxDhcp4OptionsCount = 255;

export const dhcp4Ops = { request: 1, reply: 2 } as const;
export const dhcp4MessageTypes = {
  discover: 1, offer: 2, request: 3, decline: 4, ack: 5, nak: 6, release: 7, inform: 8,
} as const;
export const dhcp4OptionCodes = {
  pad: 0, subnetMask: 1, router: 3, dnsServers: 6, hostname: 12, domainName: 15, interfaceMtu: 26,
  broadcastAddress: 28, requestedIp: 50, leaseTime: 51, messageType: 53, serverId: 54, paramRequestList: 55,
  renewalTime: 58, rebindingTime: 59, clientId: 61, classlessStaticRoute: 121, end: 255,
} as const;

export interface Dhcp4Option {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Dhcp4Message {
  readonly kind: 'dhcp4';
  readonly op: number;
  readonly htype: number;
  readonly hlen: number;
  readonly hops: number;
  readonly xid: number;
  readonly secs: number;
  readonly flags: number;
  readonly ciaddr: number;
  readonly yiaddr: number;
  readonly siaddr: number;
  readonly giaddr: number;
  /** The client hardware address (hlen bytes of the 16-byte chaddr field). */
  readonly chaddr: Uint8Array;
  readonly sname: Uint8Array;
  readonly file: Uint8Array;
  /** In wire order, without pad/end. */
  readonly options: readonly Dhcp4Option[];
  /** Option 53, when present. */
  readonly messageType?: number;
}

export function readDhcp4(bytes: Uint8Array, base = 0): Dhcp4Message {
  const c = new Cursor(bytes, 'dhcp4', base);
  c.need(fixedBytes + 4, 'BOOTP header and magic cookie');
  const op = c.u8();
  const htype = c.u8();
  const hlen = c.u8();
  const hops = c.u8();
  const xid = c.u32();
  const secs = c.u16();
  const flags = c.u16();
  const ciaddr = c.u32();
  const yiaddr = c.u32();
  const siaddr = c.u32();
  const giaddr = c.u32();
  if (hlen > 16) c.error(`hlen ${hlen} > 16`, base + 2);
  const chaddrField = c.take(16);
  const sname = c.take(64);
  const file = c.take(128);
  const cookie = c.u32();
  if (cookie !== dhcp4MagicCookie) c.error(`bad magic cookie 0x${cookie.toString(16)}`, base + fixedBytes);
  const options: Dhcp4Option[] = [];
  while (c.remaining > 0) {
    const code = c.u8('option code');
    if (code === dhcp4OptionCodes.pad) continue;
    if (code === dhcp4OptionCodes.end) break;
    if (options.length >= maxDhcp4OptionsCount) c.error(`more than ${maxDhcp4OptionsCount} options`);
    const length = c.u8(`option ${code} length`);
    options.push({ code, data: c.take(length, `option ${code} data`) });
  }
  const mt = options.find((o) => o.code === dhcp4OptionCodes.messageType);
  if (mt && mt.data.length !== 1) c.error(`message type option length ${mt.data.length}, want 1`);
  return {
    kind: 'dhcp4', op, htype, hlen, hops, xid, secs, flags, ciaddr, yiaddr, siaddr, giaddr,
    chaddr: chaddrField.subarray(0, hlen), sname, file, options,
    ...(mt ? { messageType: mt.data[0]! } : {}),
  };
}

export function dhcp4Option(m: Dhcp4Message, code: number): Uint8Array | undefined {
  return m.options.find((o) => o.code === code)?.data;
}

/** Typed readers for the common value shapes; undefined when the option is absent or the wrong size. */
export const dhcp4Get = {
  ipv4: (m: Dhcp4Message, code: number): number | undefined => {
    const d = dhcp4Option(m, code);
    return d?.length === 4 ? readU32(d, 0) : undefined;
  },
  ipv4List: (m: Dhcp4Message, code: number): number[] | undefined => {
    const d = dhcp4Option(m, code);
    if (!d || d.length === 0 || d.length % 4 !== 0) return undefined;
    const out: number[] = [];
    for (let i = 0; i < d.length; i += 4) out.push(readU32(d, i));
    return out;
  },
  u32: (m: Dhcp4Message, code: number): number | undefined => {
    const d = dhcp4Option(m, code);
    return d?.length === 4 ? readU32(d, 0) : undefined;
  },
  u16: (m: Dhcp4Message, code: number): number | undefined => {
    const d = dhcp4Option(m, code);
    return d?.length === 2 ? readU16(d, 0) : undefined;
  },
  text: (m: Dhcp4Message, code: number): string | undefined => {
    const d = dhcp4Option(m, code);
    return d ? new TextDecoder().decode(d) : undefined;
  },
};

/** Option constructors for the common value shapes. */
export const dhcp4Opt = {
  messageType: (type: number): Dhcp4Option => ({ code: dhcp4OptionCodes.messageType, data: new Uint8Array([type]) }),
  ipv4: (code: number, addr: Ipv4Like): Dhcp4Option => ({ code, data: ipv4ToBytes(toIpv4(addr)) }),
  ipv4List: (code: number, addrs: readonly Ipv4Like[]): Dhcp4Option => {
    const w = new Writer();
    for (const a of addrs) w.u32(toIpv4(a));
    return { code, data: w.finish() };
  },
  u32: (code: number, v: number): Dhcp4Option => ({ code, data: new Writer().u32(v).finish() }),
  u16: (code: number, v: number): Dhcp4Option => ({ code, data: new Writer().u16(v).finish() }),
  text: (code: number, s: string): Dhcp4Option => ({ code, data: new TextEncoder().encode(s) }),
  bytes: (code: number, data: readonly number[] | Uint8Array): Dhcp4Option => ({ code, data: Uint8Array.from(data) }),
};

export interface Dhcp4Spec {
  readonly op: number;
  readonly xid: number;
  readonly chaddr: MacLike;
  readonly secs?: number;
  /** 0x8000 = broadcast. */
  readonly flags?: number;
  readonly hops?: number;
  readonly ciaddr?: Ipv4Like;
  readonly yiaddr?: Ipv4Like;
  readonly siaddr?: Ipv4Like;
  readonly giaddr?: Ipv4Like;
  readonly options: readonly Dhcp4Option[];
}

export function encodeDhcp4(spec: Dhcp4Spec): Uint8Array {
  const w = new Writer()
    .u8(spec.op).u8(1).u8(6).u8(spec.hops ?? 0).u32(spec.xid).u16(spec.secs ?? 0).u16(spec.flags ?? 0)
    .u32(toIpv4(spec.ciaddr ?? 0)).u32(toIpv4(spec.yiaddr ?? 0)).u32(toIpv4(spec.siaddr ?? 0))
    .u32(toIpv4(spec.giaddr ?? 0)).bytes(toMac(spec.chaddr)).zeros(10).zeros(64).zeros(128).u32(dhcp4MagicCookie);
  for (const o of spec.options) {
    assert(o.data.length <= 255, () => `DHCPv4 option ${o.code}: ${o.data.length} bytes > 255`);
    w.u8(o.code).u8(o.data.length).bytes(o.data);
  }
  w.u8(dhcp4OptionCodes.end);
  if (w.length < minBootpMessageBytes) w.zeros(minBootpMessageBytes - w.length);
  return w.finish();
}
