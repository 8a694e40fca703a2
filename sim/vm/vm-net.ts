// What a VM's protocol parts (ping, UDP and TCP probes, DHCP clients) need from the VM's network stack:
// its identity, its clock and random stream, and a way to send IP packets (the stack resolves the next hop
// with ARP/ND and builds the frame through core/packet's buildFrame).
import type { Clock } from '../../core/runtime/clock';
import type { Random } from '../../core/runtime/random';
import type { LayerSpec } from '../../core/packet/build';
import type { L4Packet } from '../../core/packet/decode';
import { formatIpv4, formatIpv6, parseIpv4Text, parseIpv6Text } from '../../core/packet/address';
import { assert } from '../../core/util/assert';

export interface VmNet {
  readonly name: string;
  readonly mac: Uint8Array;
  readonly clock: Clock;
  readonly random: Random;
  /** Sends layers above IP to `dst` (IPv4 dotted quad or IPv6 text); `failed` when the next hop is unreachable. */
  sendIp(dst: string, layers: readonly LayerSpec[], failed: (error: string) => void): void;
  /** Sends a whole frame as is (DHCP before the VM has an address). */
  sendFrame(frame: Uint8Array): void;
  log(line: string): void;
}

/** An IP packet the stack accepted for this VM, with its L4 header decoded. */
export interface IpPacketIn {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  readonly l4: L4Packet;
  /** The whole Ethernet frame it arrived in (for consumers that need the outer headers, e.g. a tunnel port). */
  readonly frame: Uint8Array;
}

/** The canonical text of an IPv4 or IPv6 address (what inbound packets are compared with); throws if invalid. */
export function canonicalIp(text: string): string {
  if (text.includes(':')) {
    const v6 = parseIpv6Text(text);
    assert(v6 !== null, () => `bad IPv6 address "${text}"`);
    return formatIpv6(v6);
  }
  const v4 = parseIpv4Text(text);
  assert(v4 !== null, () => `bad IPv4 address "${text}"`);
  return formatIpv4(v4);
}

/** Ephemeral port range (IANA, RFC 6335). */
export const ephemeralPortMin = 49152;
export const ephemeralPortMax = 65535;
/** Bound on attempts to find a free ephemeral port. */
export const maxPortDrawsCount = 64;

/** A free ephemeral port drawn from `random` (seeded, so runs repeat); throws when none is found. */
export function drawEphemeralPort(random: Random, inUse: (port: number) => boolean, what: string): number {
  for (let i = 0; i < maxPortDrawsCount; i++) {
    const p = random.intBetween(ephemeralPortMin, ephemeralPortMax);
    if (!inUse(p)) return p;
  }
  throw new Error(`${what}: no free ephemeral port after ${maxPortDrawsCount} draws`);
}
