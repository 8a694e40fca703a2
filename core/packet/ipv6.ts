// IPv6 (RFC 8200): fixed header and the extension headers that stand between it and the upper layer
// (hop-by-hop, routing, fragment, destination options; AH is skipped by its length as well).
import { Cursor, Writer } from './bytes';
import { toIpv6, type Ipv6Like } from './address';
import { ipProtocols } from './ip-protocols';

const fixedHeaderBytes = 40;
/** Bound on the extension header chain walked before giving up (RFC 8200 allows each at most twice). */
export const maxExtensionHeadersCount = 10;

export interface Ipv6Fragment {
  /** In 8-byte units, as on the wire. */
  readonly offset: number;
  readonly moreFragments: boolean;
  readonly identification: number;
}

export interface Ipv6Extension {
  /** The next-header value that introduced this header (0, 43, 44, 51 or 60). */
  readonly type: number;
  readonly nextHeader: number;
  /** Bytes after the next-header and length bytes (for fragment: the 6 bytes after next-header/reserved). */
  readonly body: Uint8Array;
  readonly fragment?: Ipv6Fragment;
}

export interface Ipv6Packet {
  readonly kind: 'ipv6';
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  /** The next-header field of the fixed header. */
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly extensions: readonly Ipv6Extension[];
  /** Upper-layer protocol after the extension chain (for a non-first fragment: the fragment header's). */
  readonly protocol: number;
  readonly fragment?: Ipv6Fragment;
  /** Upper-layer bytes (for a non-first fragment: the fragment data, not an L4 header). */
  readonly payload: Uint8Array;
  /** Bytes of the fixed header plus extension headers (the offset of payload). */
  readonly headerLength: number;
}

const optionsStyleHeaders: ReadonlySet<number> = new Set([
  ipProtocols.hopByHop, ipProtocols.ipv6Routing, ipProtocols.ipv6DestOpts,
]);

export function readIpv6(bytes: Uint8Array, base = 0): Ipv6Packet {
  const c = new Cursor(bytes, 'ipv6', base);
  c.need(fixedHeaderBytes, 'IPv6 header');
  const w0 = c.u32();
  if (w0 >>> 28 !== 6) c.error(`version ${w0 >>> 28}, want 6`, base);
  const payloadLength = c.u16();
  if (payloadLength === 0) c.error('payload length 0 (jumbograms are not supported)', base + 4);
  if (fixedHeaderBytes + payloadLength > bytes.length) {
    c.error(`truncated packet: payload length ${payloadLength}, ${bytes.length - fixedHeaderBytes} bytes present`, base + 4);
  }
  const nextHeader = c.u8();
  const hopLimit = c.u8();
  const src = c.take(16);
  const dst = c.take(16);
  const body = new Cursor(bytes.subarray(0, fixedHeaderBytes + payloadLength), 'ipv6 extension header', base);
  body.pos = fixedHeaderBytes;
  const extensions: Ipv6Extension[] = [];
  let protocol = nextHeader;
  let fragment: Ipv6Fragment | undefined;
  while (isExtension(protocol)) {
    if (extensions.length >= maxExtensionHeadersCount) body.error(`more than ${maxExtensionHeadersCount} extension headers`);
    if (protocol === ipProtocols.ipv6Fragment) {
      const next = body.u8('fragment header');
      body.skip(1, 'fragment header');
      const fragBody = body.take(6, 'fragment header');
      const offField = (fragBody[0]! << 8) | fragBody[1]!;
      fragment = {
        offset: offField >>> 3,
        moreFragments: (offField & 1) !== 0,
        identification: ((fragBody[2]! << 24) | (fragBody[3]! << 16) | (fragBody[4]! << 8) | fragBody[5]!) >>> 0,
      };
      extensions.push({ type: protocol, nextHeader: next, body: fragBody, fragment });
      protocol = next;
      if (fragment.offset !== 0) break; // later fragments carry no upper-layer header
    } else {
      const next = body.u8('extension next header');
      const len = body.u8('extension length');
      // AH counts 4-byte units minus 2; the others 8-byte units not counting the first 8 bytes.
      const total = protocol === ipProtocols.ah ? (len + 2) * 4 : (len + 1) * 8;
      extensions.push({ type: protocol, nextHeader: next, body: body.take(total - 2, `extension header ${protocol}`) });
      protocol = next;
    }
  }
  const payload = bytes.subarray(body.pos, fixedHeaderBytes + payloadLength);
  return {
    kind: 'ipv6',
    trafficClass: (w0 >>> 20) & 0xff,
    flowLabel: w0 & 0xfffff,
    payloadLength,
    nextHeader,
    hopLimit,
    src,
    dst,
    extensions,
    protocol,
    ...(fragment ? { fragment } : {}),
    payload,
    headerLength: body.pos,
  };
}

function isExtension(p: number): boolean {
  return optionsStyleHeaders.has(p) || p === ipProtocols.ipv6Fragment || p === ipProtocols.ah;
}

export type Ipv6ExtensionSpec =
  /** Hop-by-hop or destination options: TLV option bytes, padded here with Pad1/PadN to 8-byte alignment. */
  | { readonly type: 0 | 60; readonly options?: Uint8Array }
  | { readonly type: 43; readonly routingType: number; readonly segmentsLeft: number; readonly data?: Uint8Array }
  | { readonly type: 44; readonly offset: number; readonly moreFragments: boolean; readonly identification: number };

export interface Ipv6Spec {
  readonly src: Ipv6Like;
  readonly dst: Ipv6Like;
  /** Upper-layer protocol; defaults to the one implied by the next layer when built with buildFrame. */
  readonly protocol?: number;
  readonly hopLimit?: number;
  readonly trafficClass?: number;
  readonly flowLabel?: number;
  readonly extensions?: readonly Ipv6ExtensionSpec[];
}

function padOptions(options: Uint8Array): Uint8Array {
  const w = new Writer().bytes(options);
  const pad = (8 - ((options.length + 2) % 8)) % 8;
  if (pad === 1) w.u8(0); // Pad1
  else if (pad > 1) w.u8(1).u8(pad - 2).zeros(pad - 2); // PadN
  return w.finish();
}

function encodeExtension(e: Ipv6ExtensionSpec, next: number): Uint8Array {
  const w = new Writer().u8(next);
  if (e.type === 44) {
    return w.u8(0).u16(((e.offset & 0x1fff) << 3) | (e.moreFragments ? 1 : 0)).u32(e.identification).finish();
  }
  const body =
    e.type === 43
      ? padOptionsRaw(new Writer().u8(e.routingType).u8(e.segmentsLeft).bytes(e.data ?? new Uint8Array(4)).finish())
      : padOptions(e.options ?? new Uint8Array(0));
  return w.u8((body.length + 2) / 8 - 1).bytes(body).finish();
}

/** Routing data is not TLV-encoded: pad with zeros. */
function padOptionsRaw(body: Uint8Array): Uint8Array {
  const pad = (8 - ((body.length + 2) % 8)) % 8;
  return new Writer().bytes(body).zeros(pad).finish();
}

export function encodeIpv6(spec: Ipv6Spec, protocol: number, payload: Uint8Array): Uint8Array {
  const exts = spec.extensions ?? [];
  const encoded: Uint8Array[] = [];
  for (let i = exts.length - 1; i >= 0; i--) {
    encoded.unshift(encodeExtension(exts[i]!, i === exts.length - 1 ? protocol : exts[i + 1]!.type));
  }
  const extBytes = encoded.reduce((n, e) => n + e.length, 0);
  const w = new Writer()
    .u32((6 << 28) | ((spec.trafficClass ?? 0) << 20) | ((spec.flowLabel ?? 0) & 0xfffff))
    .u16(extBytes + payload.length)
    .u8(exts.length > 0 ? exts[0]!.type : protocol)
    .u8(spec.hopLimit ?? 64)
    .bytes(toIpv6(spec.src))
    .bytes(toIpv6(spec.dst));
  for (const e of encoded) w.bytes(e);
  return w.bytes(payload).finish();
}
