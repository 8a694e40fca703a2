// ARP for IPv4 over Ethernet (RFC 826). Other hardware/protocol combinations are reported as unsupported.
import { Cursor, Writer } from './bytes';
import { toIpv4, toMac, zeroMac, type Ipv4Like, type MacLike } from './address';
import { ethTypes } from './ethernet';

export const arpOps = { request: 1, reply: 2, rarpRequest: 3, rarpReply: 4 } as const;
const arpBodyBytes = 28;

export interface ArpPacket {
  readonly kind: 'arp';
  readonly op: number;
  readonly sha: Uint8Array;
  readonly spa: number;
  readonly tha: Uint8Array;
  readonly tpa: number;
}

export function readArp(bytes: Uint8Array, base = 0): ArpPacket {
  const c = new Cursor(bytes, 'arp', base);
  c.need(arpBodyBytes, 'ARP packet');
  const htype = c.u16();
  const ptype = c.u16();
  const hlen = c.u8();
  const plen = c.u8();
  if (htype !== 1 || ptype !== ethTypes.ipv4 || hlen !== 6 || plen !== 4) {
    c.error(`unsupported ARP htype ${htype} ptype 0x${ptype.toString(16)} hlen ${hlen} plen ${plen} (want Ethernet/IPv4)`, base);
  }
  const op = c.u16();
  const sha = c.take(6);
  const spa = c.u32();
  const tha = c.take(6);
  const tpa = c.u32();
  return { kind: 'arp', op, sha, spa, tha, tpa };
}

export interface ArpSpec {
  readonly op: number;
  readonly sha: MacLike;
  readonly spa: Ipv4Like;
  /** Defaults to 00:00:00:00:00:00 (as in a request). */
  readonly tha?: MacLike;
  readonly tpa: Ipv4Like;
}

export function encodeArp(spec: ArpSpec): Uint8Array {
  return new Writer()
    .u16(1).u16(ethTypes.ipv4).u8(6).u8(4).u16(spec.op)
    .bytes(toMac(spec.sha)).u32(toIpv4(spec.spa))
    .bytes(spec.tha === undefined ? zeroMac : toMac(spec.tha)).u32(toIpv4(spec.tpa))
    .finish();
}
