// DHCPv6 (RFC 8415): client/server and relay messages with option TLVs, plus the nested IA_NA/IA_ADDR shapes.
import { Cursor, Writer } from './bytes';
import { assert } from '../util/assert';
import { toIpv6, toMac, type Ipv6Like, type MacLike } from './address';

/** Bound on options parsed from one option list. */
export const maxDhcp6OptionsCount = 256;

export const dhcp6MessageTypes = {
  solicit: 1, advertise: 2, request: 3, confirm: 4, renew: 5, rebind: 6, reply: 7, release: 8, decline: 9,
  reconfigure: 10, informationRequest: 11, relayForward: 12, relayReply: 13,
} as const;
export const dhcp6OptionCodes = {
  clientId: 1, serverId: 2, iaNa: 3, iaTa: 4, iaAddr: 5, oro: 6, preference: 7, elapsedTime: 8, relayMessage: 9,
  statusCode: 13, rapidCommit: 14, interfaceId: 18, dnsServers: 23, domainList: 24, iaPd: 25, iaPrefix: 26,
} as const;

export interface Dhcp6Option {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Dhcp6Message {
  readonly kind: 'dhcp6';
  readonly msgType: number;
  /** Client/server messages only. */
  readonly transactionId?: number;
  /** Relay messages only. */
  readonly relay?: { readonly hopCount: number; readonly linkAddress: Uint8Array; readonly peerAddress: Uint8Array };
  readonly options: readonly Dhcp6Option[];
}

const relayTypes: ReadonlySet<number> = new Set([dhcp6MessageTypes.relayForward, dhcp6MessageTypes.relayReply]);

export function readDhcp6Options(bytes: Uint8Array, base: number): Dhcp6Option[] {
  const c = new Cursor(bytes, 'dhcp6 option', base);
  const out: Dhcp6Option[] = [];
  while (c.remaining > 0) {
    if (out.length >= maxDhcp6OptionsCount) c.error(`more than ${maxDhcp6OptionsCount} options`);
    const code = c.u16('option code');
    const length = c.u16(`option ${code} length`);
    out.push({ code, data: c.take(length, `option ${code} data`) });
  }
  return out;
}

export function readDhcp6(bytes: Uint8Array, base = 0): Dhcp6Message {
  const c = new Cursor(bytes, 'dhcp6', base);
  const msgType = c.u8('message type');
  if (relayTypes.has(msgType)) {
    const hopCount = c.u8('hop count');
    const linkAddress = c.take(16, 'link address');
    const peerAddress = c.take(16, 'peer address');
    return { kind: 'dhcp6', msgType, relay: { hopCount, linkAddress, peerAddress }, options: readDhcp6Options(...c.restAt()) };
  }
  c.need(3, 'transaction id');
  const transactionId = (c.u8() << 16) | c.u16();
  return { kind: 'dhcp6', msgType, transactionId, options: readDhcp6Options(...c.restAt()) };
}

export function dhcp6Option(m: { readonly options: readonly Dhcp6Option[] }, code: number): Uint8Array | undefined {
  return m.options.find((o) => o.code === code)?.data;
}

export interface Dhcp6IaNa {
  readonly iaid: number;
  readonly t1: number;
  readonly t2: number;
  readonly options: readonly Dhcp6Option[];
}

export interface Dhcp6IaAddr {
  readonly address: Uint8Array;
  readonly preferredLifetime: number;
  readonly validLifetime: number;
  readonly options: readonly Dhcp6Option[];
}

/** Decodes an IA_NA option's data; `base` is its absolute offset (for errors). */
export function readDhcp6IaNa(data: Uint8Array, base = 0): Dhcp6IaNa {
  const c = new Cursor(data, 'dhcp6 IA_NA', base);
  const iaid = c.u32('IAID');
  const t1 = c.u32('T1');
  const t2 = c.u32('T2');
  return { iaid, t1, t2, options: readDhcp6Options(...c.restAt()) };
}

export function readDhcp6IaAddr(data: Uint8Array, base = 0): Dhcp6IaAddr {
  const c = new Cursor(data, 'dhcp6 IAADDR', base);
  const address = c.take(16, 'address');
  const preferredLifetime = c.u32('preferred lifetime');
  const validLifetime = c.u32('valid lifetime');
  return { address, preferredLifetime, validLifetime, options: readDhcp6Options(...c.restAt()) };
}

export function encodeDhcp6Options(options: readonly Dhcp6Option[]): Uint8Array {
  const w = new Writer();
  for (const o of options) {
    assert(o.data.length <= 0xffff, () => `DHCPv6 option ${o.code}: ${o.data.length} bytes > 65535`);
    w.u16(o.code).u16(o.data.length).bytes(o.data);
  }
  return w.finish();
}

/** Option constructors for the common shapes. */
export const dhcp6Opt = {
  /** DUID-LL (RFC 8415 11.4): type 3, hardware type 1 (Ethernet), MAC. */
  duidLl: (code: number, mac: MacLike): Dhcp6Option => ({ code, data: new Writer().u16(3).u16(1).bytes(toMac(mac)).finish() }),
  elapsedTime: (hundredths: number): Dhcp6Option => ({ code: dhcp6OptionCodes.elapsedTime, data: new Writer().u16(hundredths).finish() }),
  oro: (codes: readonly number[]): Dhcp6Option => {
    const w = new Writer();
    for (const x of codes) w.u16(x);
    return { code: dhcp6OptionCodes.oro, data: w.finish() };
  },
  iaNa: (iaid: number, t1: number, t2: number, options: readonly Dhcp6Option[] = []): Dhcp6Option => ({
    code: dhcp6OptionCodes.iaNa,
    data: new Writer().u32(iaid).u32(t1).u32(t2).bytes(encodeDhcp6Options(options)).finish(),
  }),
  iaAddr: (address: Ipv6Like, preferred: number, valid: number, options: readonly Dhcp6Option[] = []): Dhcp6Option => ({
    code: dhcp6OptionCodes.iaAddr,
    data: new Writer().bytes(toIpv6(address)).u32(preferred).u32(valid).bytes(encodeDhcp6Options(options)).finish(),
  }),
  ipv6List: (code: number, addrs: readonly Ipv6Like[]): Dhcp6Option => {
    const w = new Writer();
    for (const a of addrs) w.bytes(toIpv6(a));
    return { code, data: w.finish() };
  },
};

export interface Dhcp6Spec {
  readonly msgType: number;
  readonly transactionId?: number;
  readonly relay?: { readonly hopCount: number; readonly linkAddress: Ipv6Like; readonly peerAddress: Ipv6Like };
  readonly options: readonly Dhcp6Option[];
}

export function encodeDhcp6(spec: Dhcp6Spec): Uint8Array {
  const w = new Writer().u8(spec.msgType);
  if (relayTypes.has(spec.msgType)) {
    const r = spec.relay ?? { hopCount: 0, linkAddress: '::', peerAddress: '::' };
    w.u8(r.hopCount).bytes(toIpv6(r.linkAddress)).bytes(toIpv6(r.peerAddress));
  } else {
    const xid = spec.transactionId ?? 0;
    w.u8((xid >>> 16) & 0xff).u16(xid & 0xffff);
  }
  return w.bytes(encodeDhcp6Options(spec.options)).finish();
}
