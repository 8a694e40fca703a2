// Geneve (RFC 8926) header with option TLVs, and OVN's option (class 0x0102, type 0x80) that carries the
// logical ingress and egress port keys (ovn-architecture(7), "Tunnel Encapsulations"):
//   32-bit value, MSB to LSB: 1 reserved bit | 15-bit ingress port key | 16-bit egress port key.
// The VNI carries the 24-bit logical datapath key.
import { Cursor, Writer, readU32 } from './bytes';
import { assert } from '../util/assert';
import { ethTypes } from './ethernet';

export const genevePort = 6081;
export const ovnGeneveClass = 0x0102;
export const ovnGeneveType = 0x80;
const headerBytes = 8;
/** The 6-bit option-length field counts 4-byte words. */
export const maxGeneveOptionsBytes = 63 * 4;

export interface GeneveOption {
  readonly optionClass: number;
  /** Full 8-bit type; the high bit is the "critical" flag. */
  readonly type: number;
  readonly data: Uint8Array;
}

export interface GenevePacket {
  readonly kind: 'geneve';
  readonly version: number;
  readonly oam: boolean;
  readonly critical: boolean;
  readonly protocolType: number;
  readonly vni: number;
  readonly options: readonly GeneveOption[];
  readonly headerLength: number;
  readonly payload: Uint8Array;
}

export function readGeneve(bytes: Uint8Array, base = 0): GenevePacket {
  const c = new Cursor(bytes, 'geneve', base);
  c.need(headerBytes, 'Geneve header');
  const b0 = c.u8();
  const version = b0 >>> 6;
  if (version !== 0) c.error(`version ${version}, want 0`, base);
  const optionsBytes = (b0 & 0x3f) * 4;
  const b1 = c.u8();
  const protocolType = c.u16();
  const vni = readU32(bytes, 4) >>> 8;
  c.skip(4);
  const o = new Cursor(c.take(optionsBytes, 'Geneve options'), 'geneve option', base + headerBytes);
  const options: GeneveOption[] = [];
  while (o.remaining > 0) {
    const optionClass = o.u16('option class');
    const type = o.u8('option type');
    const length = (o.u8('option length') & 0x1f) * 4;
    options.push({ optionClass, type, data: o.take(length, `option 0x${optionClass.toString(16)}/0x${type.toString(16)} data`) });
  }
  return {
    kind: 'geneve', version, oam: (b1 & 0x80) !== 0, critical: (b1 & 0x40) !== 0, protocolType, vni, options,
    headerLength: headerBytes + optionsBytes, payload: c.rest(),
  };
}

export interface GeneveSpec {
  readonly vni: number;
  /** Defaults to 0x6558 (Ethernet). */
  readonly protocolType?: number;
  readonly oam?: boolean;
  /** Defaults to true when any option has the critical type bit set. */
  readonly critical?: boolean;
  readonly options?: readonly GeneveOption[];
}

export function encodeGeneve(spec: GeneveSpec, payload: Uint8Array): Uint8Array {
  const opts = new Writer();
  for (const o of spec.options ?? []) {
    assert(o.data.length % 4 === 0 && o.data.length <= 124, () => `Geneve option data length ${o.data.length} must be a multiple of 4, ≤ 124`);
    opts.u16(o.optionClass).u8(o.type).u8(o.data.length / 4).bytes(o.data);
  }
  assert(opts.length <= maxGeneveOptionsBytes, () => `Geneve options ${opts.length} bytes > ${maxGeneveOptionsBytes}`);
  assert(spec.vni >= 0 && spec.vni < 1 << 24, () => `Geneve VNI ${spec.vni} is not 24 bits`);
  const critical = spec.critical ?? (spec.options ?? []).some((o) => (o.type & 0x80) !== 0);
  return new Writer()
    .u8(opts.length / 4).u8((spec.oam ? 0x80 : 0) | (critical ? 0x40 : 0)).u16(spec.protocolType ?? ethTypes.transparentEthernet)
    .u32(spec.vni << 8).bytes(opts.finish()).bytes(payload).finish();
}

export interface OvnTunnelPorts {
  /** 15-bit logical ingress port key. */
  readonly ingressPort: number;
  /** 16-bit logical egress port key (≥ 32768: multicast group). */
  readonly egressPort: number;
}

export function ovnGeneveOption(ports: OvnTunnelPorts): GeneveOption {
  assert(ports.ingressPort >= 0 && ports.ingressPort < 1 << 15, () => `ingress port key ${ports.ingressPort} is not 15 bits`);
  assert(ports.egressPort >= 0 && ports.egressPort < 1 << 16, () => `egress port key ${ports.egressPort} is not 16 bits`);
  return { optionClass: ovnGeneveClass, type: ovnGeneveType, data: new Writer().u32((ports.ingressPort << 16) | ports.egressPort).finish() };
}

/** OVN's port keys from a Geneve header, or undefined when the option is absent or not 4 bytes. */
export function readOvnTunnelPorts(g: GenevePacket): OvnTunnelPorts | undefined {
  const o = g.options.find((x) => x.optionClass === ovnGeneveClass && x.type === ovnGeneveType && x.data.length === 4);
  if (!o) return undefined;
  const v = readU32(o.data, 0);
  return { ingressPort: (v >>> 16) & 0x7fff, egressPort: v & 0xffff };
}
