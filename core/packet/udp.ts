// UDP (RFC 768) with the pseudo-header checksum (optional over IPv4: 0 means none; mandatory over IPv6).
import { Cursor, Writer } from './bytes';
import { l4Checksum, type PseudoHeader } from './checksum';
import { ipProtocols } from './ip-protocols';

const headerBytes = 8;
/** Tunnels may send a zero UDP checksum over IPv6 too (RFC 6935; RFC 8926 3.3 for Geneve). */
export const zeroChecksumIpv6Ports: ReadonlySet<number> = new Set([6081]);

export interface UdpPacket {
  readonly kind: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly length: number;
  readonly checksum: number;
  /** True when the checksum verifies, or is 0 where allowed (IPv4; tunnel ports over IPv6), or no
   * pseudo-header was given to check it. */
  readonly checksumValid: boolean;
  readonly payload: Uint8Array;
}

export function readUdp(bytes: Uint8Array, base = 0, pseudo?: PseudoHeader): UdpPacket {
  const c = new Cursor(bytes, 'udp', base);
  c.need(headerBytes, 'UDP header');
  const srcPort = c.u16();
  const dstPort = c.u16();
  const length = c.u16();
  const checksum = c.u16();
  if (length < headerBytes) c.error(`length ${length} < 8`, base + 4);
  if (length > bytes.length) c.error(`truncated datagram: length ${length}, ${bytes.length} bytes present`, base + 4);
  const datagram = bytes.subarray(0, length);
  let checksumValid = true;
  const zeroAllowed = pseudo?.version === 4 || zeroChecksumIpv6Ports.has(dstPort);
  if (pseudo && !(checksum === 0 && zeroAllowed)) {
    checksumValid = l4Checksum(pseudo, ipProtocols.udp, datagram) === 0;
  }
  return { kind: 'udp', srcPort, dstPort, length, checksum, checksumValid, payload: bytes.subarray(headerBytes, length) };
}

export interface UdpSpec {
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** Send checksum 0 ("none"), as OVS does for Geneve unless csum=true: over IPv4, or over IPv6 to a
   * tunnel port in zeroChecksumIpv6Ports. */
  readonly noChecksum?: boolean;
  readonly checksum?: number;
}

export function encodeUdp(spec: UdpSpec, srcPort: number, dstPort: number, payload: Uint8Array, pseudo: PseudoHeader): Uint8Array {
  const w = new Writer().u16(srcPort).u16(dstPort).u16(headerBytes + payload.length).u16(0).bytes(payload);
  let sum = spec.checksum;
  if (sum === undefined) {
    if (spec.noChecksum && (pseudo.version === 4 || zeroChecksumIpv6Ports.has(dstPort))) sum = 0;
    else {
      sum = l4Checksum(pseudo, ipProtocols.udp, w.finish());
      if (sum === 0) sum = 0xffff; // RFC 768: a computed 0 is sent as all ones
    }
  }
  w.patchU16(6, sum);
  return w.finish();
}
