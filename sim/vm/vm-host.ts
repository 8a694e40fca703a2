// A simulated VM or container: a small packet-level host on one Nic (a port of an L2Segment, or a vswitch
// VIF). It has IPv4 (static or DHCPv4) and IPv6 (link-local, plus static or DHCPv6) addresses, answers ARP,
// neighbor solicitations and echo requests, and offers probes: ping, UDP echo, a minimal TCP request.
// Every frame goes through core/packet's builders and decoder; every timer through the given Clock.
import type { Clock } from '../../core/runtime/clock';
import type { Nic } from '../../core/runtime/datagram';
import type { Random } from '../../core/runtime/random';
import {
  broadcastMac, formatIpv4, formatIpv6, ipv6MulticastMac, linkLocalFromMac, parseIpv4Text, parseIpv6Text, solicitedNodeAddress,
} from '../../core/packet/address';
import { arpOps } from '../../core/packet/arp';
import { buildFrame, type LayerSpec } from '../../core/packet/build';
import { decodeFrame, type DecodedFrame } from '../../core/packet/decode';
import { icmp4Types } from '../../core/packet/icmp4';
import { icmp6Types } from '../../core/packet/icmp6';
import { arpReply, arpRequest, neighborAdvertisement, neighborSolicitation } from '../../core/packet/recipes';
import { assert } from '../../core/util/assert';
import { Dhcp4Client, type Dhcp4Lease } from './dhcp4-client';
import { Dhcp6Client } from './dhcp6-client';
import { NeighborCache, type ResolveCallback } from './neighbor-cache';
import { Pinger, type PingOptions, type PingResult } from './ping';
import { TcpLite, type TcpProbeResult, type TcpRequestHandler } from './tcp-lite';
import { UdpSockets, type UdpProbeResult } from './udp';
import { canonicalIp, type IpPacketIn, type VmNet } from './vm-net';

export type Ipv4Config = { readonly address: string; readonly prefixLength: number; readonly gateway?: string } | 'dhcp';
export type Ipv6Config = { readonly address: string; readonly prefixLength?: number } | 'dhcp';

export interface VmOptions {
  readonly name: string;
  readonly nic: Nic;
  readonly clock: Clock;
  readonly random: Random;
  readonly ipv4?: Ipv4Config;
  readonly ipv6?: Ipv6Config;
  /** Diagnostic lines (the simulator's trace, typically). */
  readonly log?: (line: string) => void;
}

/** Counters a test or scenario can read. */
export interface VmStats {
  received: number;
  sent: number;
  /** Frames not for this VM (another MAC, another IP) or of a protocol it does not speak. */
  ignored: number;
  /** Frames that failed to decode. */
  malformed: number;
}

export class VmHost implements VmNet {
  readonly name: string;
  readonly mac: Uint8Array;
  readonly clock: Clock;
  readonly random: Random;
  readonly linkLocal: Uint8Array;
  readonly stats: VmStats = { received: 0, sent: 0, ignored: 0, malformed: 0 };
  readonly udp: UdpSockets;
  readonly tcp: TcpLite;
  readonly dhcp4?: Dhcp4Client;
  readonly dhcp6?: Dhcp6Client;
  private ipv4?: { address: number; prefixLength: number; gateway?: number };
  private ipv6?: Uint8Array;
  private readonly arp: NeighborCache;
  private readonly nd: NeighborCache;
  private readonly pinger: Pinger;
  private readonly nic: Nic;
  private readonly logSink: (line: string) => void;

  constructor(options: VmOptions) {
    this.name = options.name;
    this.nic = options.nic;
    this.mac = options.nic.mac;
    this.clock = options.clock;
    this.random = options.random;
    this.logSink = options.log ?? (() => {});
    this.linkLocal = linkLocalFromMac(this.mac);
    this.arp = new NeighborCache(this.clock, 'ARP', (ip) => this.sendArpProbe(ip));
    this.nd = new NeighborCache(this.clock, 'ND', (ip) => this.sendNeighborSolicitation(ip));
    this.pinger = new Pinger(this);
    this.udp = new UdpSockets(this);
    this.tcp = new TcpLite(this);
    const v4 = options.ipv4;
    if (v4 === 'dhcp') {
      this.dhcp4 = new Dhcp4Client(this, { bound: (lease) => this.useLease(lease), lost: () => this.dropIpv4() });
    } else if (v4) {
      const address = parseIpv4Text(v4.address);
      assert(address !== null, () => `${this.name}: bad IPv4 address ${v4.address}`);
      assert(v4.prefixLength >= 0 && v4.prefixLength <= 32, () => `${this.name}: bad prefix length ${v4.prefixLength}`);
      const gateway = v4.gateway !== undefined ? parseIpv4Text(v4.gateway) : undefined;
      assert(gateway !== null, () => `${this.name}: bad IPv4 gateway ${String(v4.gateway)}`);
      this.ipv4 = { address, prefixLength: v4.prefixLength, ...(gateway !== undefined ? { gateway } : {}) };
    }
    const v6 = options.ipv6;
    if (v6 === 'dhcp') {
      this.dhcp6 = new Dhcp6Client(this, this.linkLocal, { bound: (lease) => (this.ipv6 = lease.address) });
    } else if (v6) {
      const address = parseIpv6Text(v6.address);
      assert(address !== null, () => `${this.name}: bad IPv6 address ${v6.address}`);
      this.ipv6 = address;
    }
    this.nic.setReceiver((frame) => this.receive(frame));
  }

  /** Starts the DHCP clients, if configured (separate from construction so tests can start them late). */
  start(): void {
    this.dhcp4?.start();
    this.dhcp6?.start();
  }

  get ipv4Address(): string | undefined {
    return this.ipv4 ? formatIpv4(this.ipv4.address) : undefined;
  }

  get ipv6Address(): string | undefined {
    return this.ipv6 ? formatIpv6(this.ipv6) : undefined;
  }

  get arpProbesSent(): number {
    return this.arp.probesSent;
  }

  ping(target: string, options: PingOptions, done: (r: PingResult) => void): void {
    this.pinger.ping(canonicalIp(target), options, done);
  }

  udpProbe(dst: string, port: number, data: Uint8Array, done: (r: UdpProbeResult) => void, timeoutMs?: number): void {
    this.udp.probe(canonicalIp(dst), port, data, done, timeoutMs);
  }

  tcpListen(port: number, handler: TcpRequestHandler): void {
    this.tcp.listen(port, handler);
  }

  tcpRequest(dst: string, port: number, request: Uint8Array, done: (r: TcpProbeResult) => void): void {
    this.tcp.request(canonicalIp(dst), port, request, done);
  }

  log(line: string): void {
    this.logSink(`${this.name}: ${line}`);
  }

  sendFrame(frame: Uint8Array): void {
    this.stats.sent++;
    this.nic.send(frame);
  }

  sendIp(dst: string, layers: readonly LayerSpec[], failed: (error: string) => void): void {
    if (dst.includes(':')) return this.sendIpv6(dst, layers, failed);
    const dstIp = parseIpv4Text(dst);
    assert(dstIp !== null, () => `${this.name}: bad IPv4 destination ${dst}`);
    const own = this.ipv4;
    if (!own) return failed(`${this.name} has no IPv4 address`);
    const build = (dstMac: Uint8Array): Uint8Array =>
      buildFrame([{ kind: 'ethernet', src: this.mac, dst: dstMac }, { kind: 'ipv4', src: own.address, dst: dstIp, ttl: 64 }, ...layers]);
    if (dstIp === 0xffffffff) return this.sendFrame(build(broadcastMac));
    this.resolveNextHop(dst, (r) => (r.ok ? this.sendFrame(build(r.mac)) : failed(r.error)));
  }

  /** Resolves the MAC to send to for `dst` (the next hop: `dst` on-link, else the gateway) with ARP/ND. */
  resolveNextHop(dst: string, done: ResolveCallback): void {
    if (dst.includes(':')) {
      const ip6 = parseIpv6Text(dst);
      assert(ip6 !== null, () => `${this.name}: bad IPv6 address ${dst}`);
      return this.nd.resolve(formatIpv6(ip6), done);
    }
    const ip = parseIpv4Text(dst);
    assert(ip !== null, () => `${this.name}: bad IPv4 address ${dst}`);
    const own = this.ipv4;
    if (!own) return done({ ok: false, error: `${this.name} has no IPv4 address` });
    const nextHop = sameSubnet(ip, own.address, own.prefixLength) ? ip : own.gateway;
    if (nextHop === undefined) return done({ ok: false, error: `${dst} is off-link and ${this.name} has no gateway` });
    this.arp.resolve(formatIpv4(nextHop), done);
  }

  private sendIpv6(dst: string, layers: readonly LayerSpec[], failed: (error: string) => void): void {
    const dstIp = parseIpv6Text(dst);
    assert(dstIp !== null, () => `${this.name}: bad IPv6 destination ${dst}`);
    const linkLocalDst = dstIp[0] === 0xfe && (dstIp[1]! & 0xc0) === 0x80;
    const src = linkLocalDst || !this.ipv6 ? this.linkLocal : this.ipv6;
    const build = (dstMac: Uint8Array): Uint8Array =>
      buildFrame([{ kind: 'ethernet', src: this.mac, dst: dstMac }, { kind: 'ipv6', src, dst: dstIp, hopLimit: 64 }, ...layers]);
    if (dstIp[0] === 0xff) return this.sendFrame(build(ipv6MulticastMac(dstIp)));
    // Every IPv6 destination is treated as on-link (no router discovery in this small host).
    this.nd.resolve(formatIpv6(dstIp), (r) => (r.ok ? this.sendFrame(build(r.mac)) : failed(r.error)));
  }

  private useLease(lease: Dhcp4Lease): void {
    if (this.ipv4?.address !== lease.address) this.arp.flush('address changed');
    this.ipv4 = { address: lease.address, prefixLength: lease.prefixLength, ...(lease.router !== undefined ? { gateway: lease.router } : {}) };
  }

  private dropIpv4(): void {
    delete this.ipv4;
    this.arp.flush('address lost');
  }

  private sendArpProbe(ip: string): void {
    // Without an address yet, probe from 0.0.0.0 (RFC 5227 style) so no one learns a wrong binding.
    this.sendFrame(arpRequest({ srcMac: this.mac, srcIp: this.ipv4?.address ?? 0, targetIp: ip }));
  }

  private sendNeighborSolicitation(ip: string): void {
    this.sendFrame(neighborSolicitation({ srcMac: this.mac, srcIp: this.ipv6 ?? this.linkLocal, targetIp: ip }));
  }

  private receive(frame: Uint8Array): void {
    this.stats.received++;
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      this.stats.malformed++;
      return this.log(`malformed frame dropped: ${decoded.error.message}`);
    }
    const f = decoded.value;
    // A host's stack discards what fails its checksums (IPv4 header, ICMP/UDP/TCP with the pseudo-header).
    const badChecksum = (f.l3?.kind === 'ipv4' && !f.l3.checksumValid) || (f.l4 !== undefined && 'checksumValid' in f.l4 && !f.l4.checksumValid);
    if (f.error || badChecksum) {
      this.stats.malformed++;
      if (badChecksum) return this.log(`frame with a bad ${f.l4 && 'checksumValid' in f.l4 && !f.l4.checksumValid ? f.l4.kind : 'IPv4'} checksum dropped`);
    }
    const dst = f.eth.dst;
    if ((dst[0]! & 1) === 0 && !equalBytes(dst, this.mac)) return void this.stats.ignored++;
    const handled = f.l3?.kind === 'arp' ? this.onArp(f) : f.l3?.kind === 'ipv4' ? this.onIpv4(f, frame) : f.l3?.kind === 'ipv6' ? this.onIpv6(f, frame) : false;
    if (!handled) this.stats.ignored++;
  }

  private onArp(f: DecodedFrame): boolean {
    const a = f.l3;
    if (a?.kind !== 'arp') return false;
    const own = this.ipv4?.address;
    const forUs = own !== undefined && a.tpa === own;
    // RFC 826: update a known sender; add it only when the request is for us. 0.0.0.0 senders are probes.
    if (a.spa !== 0 && (forUs || this.arp.has(formatIpv4(a.spa)))) this.arp.learn(formatIpv4(a.spa), a.sha);
    if (forUs && a.op === arpOps.request) {
      this.sendFrame(arpReply({ srcMac: this.mac, srcIp: own, dstMac: a.sha, dstIp: a.spa }));
    }
    return forUs || a.op === arpOps.reply;
  }

  private onIpv4(f: DecodedFrame, frame: Uint8Array): boolean {
    const ip = f.l3;
    if (ip?.kind !== 'ipv4' || !f.l4) return false;
    const own = this.ipv4?.address;
    const l4 = f.l4;
    // DHCP replies reach a host that has no address yet (or is renewing).
    if (l4.kind === 'udp' && l4.dstPort === 68 && f.app?.kind === 'dhcp4') {
      this.dhcp4?.handle(f.app);
      return this.dhcp4 !== undefined;
    }
    if (own === undefined || (ip.dst !== own && ip.dst !== 0xffffffff)) return false;
    const p: IpPacketIn = { version: 4, src: formatIpv4(ip.src), dst: formatIpv4(ip.dst), l4, frame };
    if (l4.kind === 'icmp4' && l4.type === icmp4Types.echoRequest && l4.echo && ip.dst === own) {
      this.sendIp(p.src, [{ kind: 'icmp4', type: icmp4Types.echoReply, echo: l4.echo, body: l4.body }], (e) => this.log(`echo reply not sent: ${e}`));
      return true;
    }
    return this.pinger.handleReply(p) || this.udp.handle(p) || this.tcp.handle(p);
  }

  private onIpv6(f: DecodedFrame, frame: Uint8Array): boolean {
    const ip = f.l3;
    if (ip?.kind !== 'ipv6' || !f.l4) return false;
    const l4 = f.l4;
    if (l4.kind === 'udp' && l4.dstPort === 546 && f.app?.kind === 'dhcp6') {
      this.dhcp6?.handle(f.app);
      return this.dhcp6 !== undefined;
    }
    if (!this.ownsIpv6(ip.dst)) return false;
    const src = formatIpv6(ip.src);
    if (l4.kind === 'icmp6') {
      const m = l4.message;
      if (m.kind === 'ns' && this.isOwnUnicast(m.target)) {
        const sll = m.options.find((o) => o.kind === 'sll');
        const unspecified = ip.src.every((b) => b === 0);
        if (sll && !unspecified) this.nd.learn(src, sll.mac);
        // RFC 4861 7.2.4: answer to the solicitor, or to all-nodes when it had no address (DAD).
        this.sendFrame(neighborAdvertisement({
          srcMac: this.mac, srcIp: m.target, targetIp: m.target,
          dstMac: unspecified || !sll ? '33:33:00:00:00:01' : sll.mac, dstIp: unspecified ? 'ff02::1' : ip.src,
        }));
        return true;
      }
      if (m.kind === 'na') {
        const tll = m.options.find((o) => o.kind === 'tll');
        if (tll) this.nd.learn(formatIpv6(m.target), tll.mac);
        return true;
      }
      if (l4.type === icmp6Types.echoRequest && m.kind === 'echo' && ip.dst[0] !== 0xff) {
        this.sendIp(src, [{ kind: 'icmp6', message: { kind: 'echo-reply', identifier: m.identifier, sequence: m.sequence, data: m.data } }],
          (e) => this.log(`echo reply not sent: ${e}`));
        return true;
      }
    }
    const p: IpPacketIn = { version: 6, src, dst: formatIpv6(ip.dst), l4, frame };
    return this.pinger.handleReply(p) || this.udp.handle(p) || this.tcp.handle(p);
  }

  private isOwnUnicast(addr: Uint8Array): boolean {
    return equalBytes(addr, this.linkLocal) || (this.ipv6 !== undefined && equalBytes(addr, this.ipv6));
  }

  private ownsIpv6(addr: Uint8Array): boolean {
    if (this.isOwnUnicast(addr)) return true;
    if (addr[0] !== 0xff) return false;
    // All-nodes, or the solicited-node group of one of our addresses.
    const groups = [parseIpv6Text('ff02::1')!, solicitedNodeAddress(this.linkLocal), ...(this.ipv6 ? [solicitedNodeAddress(this.ipv6)] : [])];
    return groups.some((g) => equalBytes(g, addr));
  }
}

function sameSubnet(a: number, b: number, prefixLength: number): boolean {
  if (prefixLength === 0) return true;
  const mask = prefixLength === 32 ? 0xffffffff : ~((1 << (32 - prefixLength)) - 1) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
