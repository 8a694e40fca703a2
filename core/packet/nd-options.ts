// IPv6 Neighbor Discovery options (RFC 4861 4.6): TLVs with the length in 8-byte units.
import { Cursor, Writer } from './bytes';
import { toIpv6, toMac, type Ipv6Like, type MacLike } from './address';

export const ndOptionTypes = { sourceLinkLayer: 1, targetLinkLayer: 2, prefixInfo: 3, redirectedHeader: 4, mtu: 5 } as const;
/** Bound on options parsed from one ND message. */
export const maxNdOptionsCount = 64;

export type NdOption =
  | { readonly kind: 'sll'; readonly mac: Uint8Array }
  | { readonly kind: 'tll'; readonly mac: Uint8Array }
  | {
      readonly kind: 'prefix';
      readonly prefixLength: number;
      readonly onLink: boolean;
      readonly autonomous: boolean;
      readonly validLifetime: number;
      readonly preferredLifetime: number;
      readonly prefix: Uint8Array;
    }
  | { readonly kind: 'mtu'; readonly mtu: number }
  | { readonly kind: 'other'; readonly type: number; readonly data: Uint8Array };

export function readNdOptions(bytes: Uint8Array, base: number): NdOption[] {
  const c = new Cursor(bytes, 'nd option', base);
  const out: NdOption[] = [];
  while (c.remaining > 0) {
    if (out.length >= maxNdOptionsCount) c.error(`more than ${maxNdOptionsCount} options`);
    const at = c.offset;
    const type = c.u8('option type');
    const units = c.u8('option length');
    if (units === 0) c.error(`option ${type} has length 0`, at);
    const data = c.take(units * 8 - 2, `option ${type} data`);
    const d = new Cursor(data, 'nd option', at + 2);
    switch (type) {
      case ndOptionTypes.sourceLinkLayer:
      case ndOptionTypes.targetLinkLayer:
        out.push({ kind: type === 1 ? 'sll' : 'tll', mac: d.take(6, 'link-layer address') });
        break;
      case ndOptionTypes.prefixInfo: {
        if (units !== 4) c.error(`prefix information length ${units}, want 4`, at);
        const prefixLength = d.u8();
        const flags = d.u8();
        const validLifetime = d.u32();
        const preferredLifetime = d.u32();
        d.skip(4);
        out.push({
          kind: 'prefix', prefixLength, onLink: (flags & 0x80) !== 0, autonomous: (flags & 0x40) !== 0,
          validLifetime, preferredLifetime, prefix: d.take(16),
        });
        break;
      }
      case ndOptionTypes.mtu:
        if (units !== 1) c.error(`MTU option length ${units}, want 1`, at);
        d.skip(2);
        out.push({ kind: 'mtu', mtu: d.u32() });
        break;
      default:
        out.push({ kind: 'other', type, data });
    }
  }
  return out;
}

export type NdOptionSpec =
  | { readonly kind: 'sll' | 'tll'; readonly mac: MacLike }
  | {
      readonly kind: 'prefix';
      readonly prefix: Ipv6Like;
      readonly prefixLength: number;
      readonly onLink?: boolean;
      readonly autonomous?: boolean;
      readonly validLifetime?: number;
      readonly preferredLifetime?: number;
    }
  | { readonly kind: 'mtu'; readonly mtu: number }
  | { readonly kind: 'other'; readonly type: number; readonly data: Uint8Array };

export function encodeNdOptions(options: readonly NdOptionSpec[]): Uint8Array {
  const w = new Writer();
  for (const o of options) {
    switch (o.kind) {
      case 'sll':
      case 'tll':
        w.u8(o.kind === 'sll' ? 1 : 2).u8(1).bytes(toMac(o.mac));
        break;
      case 'prefix':
        w.u8(ndOptionTypes.prefixInfo).u8(4).u8(o.prefixLength)
          .u8((o.onLink ?? true ? 0x80 : 0) | (o.autonomous ?? true ? 0x40 : 0))
          .u32(o.validLifetime ?? 0xffffffff).u32(o.preferredLifetime ?? 0xffffffff).u32(0).bytes(toIpv6(o.prefix));
        break;
      case 'mtu':
        w.u8(ndOptionTypes.mtu).u8(1).u16(0).u32(o.mtu);
        break;
      case 'other': {
        const units = Math.ceil((o.data.length + 2) / 8);
        w.u8(o.type).u8(units).bytes(o.data).zeros(units * 8 - 2 - o.data.length);
        break;
      }
    }
  }
  return w.finish();
}
