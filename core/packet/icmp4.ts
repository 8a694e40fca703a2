// ICMPv4 (RFC 792): type, code, checksum over the whole message, the 4-byte rest-of-header, body.
import { Cursor, Writer, readU16 } from './bytes';
import { internetChecksum } from './checksum';

export const icmp4Types = {
  echoReply: 0,
  destinationUnreachable: 3,
  redirect: 5,
  echoRequest: 8,
  timeExceeded: 11,
  parameterProblem: 12,
} as const;

const echoTypes: ReadonlySet<number> = new Set([icmp4Types.echoReply, icmp4Types.echoRequest]);

export interface Icmp4Packet {
  readonly kind: 'icmp4';
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  readonly checksumValid: boolean;
  /** The 4 bytes after the checksum as a number (echo: identifier << 16 | sequence; frag-needed: MTU). */
  readonly restOfHeader: number;
  readonly echo?: { readonly identifier: number; readonly sequence: number };
  readonly body: Uint8Array;
}

export function readIcmp4(bytes: Uint8Array, base = 0): Icmp4Packet {
  const c = new Cursor(bytes, 'icmp4', base);
  c.need(8, 'ICMP header');
  const type = c.u8();
  const code = c.u8();
  const checksum = c.u16();
  const restOfHeader = c.u32();
  return {
    kind: 'icmp4',
    type,
    code,
    checksum,
    checksumValid: internetChecksum(bytes) === 0,
    restOfHeader,
    ...(echoTypes.has(type) ? { echo: { identifier: readU16(bytes, 4), sequence: readU16(bytes, 6) } } : {}),
    body: c.rest(),
  };
}

export interface Icmp4Spec {
  readonly type: number;
  readonly code?: number;
  readonly restOfHeader?: number;
  /** For echo request/reply: fills restOfHeader. */
  readonly echo?: { readonly identifier: number; readonly sequence: number };
  readonly body?: Uint8Array;
  /** Overrides the computed checksum (to build deliberately bad packets in tests). */
  readonly checksum?: number;
}

export function encodeIcmp4(spec: Icmp4Spec): Uint8Array {
  const rest = spec.echo ? ((spec.echo.identifier << 16) | spec.echo.sequence) >>> 0 : (spec.restOfHeader ?? 0);
  const w = new Writer().u8(spec.type).u8(spec.code ?? 0).u16(0).u32(rest).bytes(spec.body ?? new Uint8Array(0));
  w.patchU16(2, spec.checksum ?? internetChecksum(w.finish()));
  return w.finish();
}
