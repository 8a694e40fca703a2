// The Geneve underlay of a simulated hypervisor: an endpoint with an underlay IP and MAC on an L2 segment
// (the physical network) that ARPs for remote tunnel endpoints, encapsulates inner frames in
// Ethernet/IPv4/UDP 6081/Geneve as ovs-vswitchd does, and decapsulates what arrives for its IP.
//
// For the vswitch (its Geneve tunnel ports): implement a tunnel port on top of `TunnelUnderlay` alone.
// - Output to a tunnel port: `underlay.send(remote_ip, { vni: tun_id, options }, frame)`, where remote_ip is
//   the port's options:remote_ip (or tun_dst when the flow set it) and `options` carry tun_metadata as
//   Geneve TLVs; for OVN use ovnGeneveOption({ ingressPort, egressPort }) = tun_metadata0 (class 0x0102,
//   type 0x80, 32 bits: ingress << 16 | egress).
//   A port that encapsulates itself (sim/vswitch's TunnelConfig.underlaySend) uses
//   `underlay.sendEncapsulated(remote_ip, outerFrame)`: the underlay ARPs for the next hop and rewrites the
//   outer MACs, so the port's localMac/remoteMac may be placeholders.
// - Input: `underlay.setReceiver(p => ...)` gives every decapsulated packet: p.remoteIp is tun_src, p.localIp
//   tun_dst, p.vni tun_id, p.options the TLVs (p.ovnPorts decodes OVN's when present), p.inner the frame to
//   run through the bridge with in_port = the tunnel port whose remote_ip matches (or the flow-based port);
//   p.outerFrame is the whole underlay frame for a bridge that decapsulates itself (Bridge.receive on a
//   tunnel port).
// - Fates: sends that cannot leave (remote endpoint does not answer ARP) are reported to `onSendFailure`.
import type { GeneveOption } from '../../core/packet/geneve';
import { genevePort, readGeneve, readOvnTunnelPorts, type OvnTunnelPorts } from '../../core/packet/geneve';
import { attempt } from '../../core/packet/bytes';
import { buildFrame } from '../../core/packet/build';
import { assert } from '../../core/util/assert';
import type { VmHost } from './vm-host';

/** OVS picks the outer UDP source port from a hash of the inner flow within this range (tnl_udp_port_min/max). */
export const tunnelSourcePortMin = 32768;
export const tunnelSourcePortMax = 61000;

export interface TunnelHeader {
  /** Geneve VNI = OVS tun_id (24 bits); OVN puts the logical datapath key here. */
  readonly vni: number;
  readonly options: readonly GeneveOption[];
}

export interface TunnelPacketIn {
  readonly remoteIp: string;
  readonly localIp: string;
  readonly vni: number;
  readonly options: readonly GeneveOption[];
  /** OVN's ingress/egress port keys, when the OVN option is present. */
  readonly ovnPorts?: OvnTunnelPorts;
  readonly inner: Uint8Array;
  /** The underlay frame as it arrived (outer Ethernet/IP/UDP/Geneve), for ports that decapsulate themselves. */
  readonly outerFrame: Uint8Array;
}

/** What a vswitch tunnel port needs from the hypervisor's underlay network (see the header comment). */
export interface TunnelUnderlay {
  readonly localIp: string;
  send(remoteIp: string, header: TunnelHeader, inner: Uint8Array): void;
  /** Sends a frame already encapsulated by the caller, its outer destination MAC set to the next hop's (ARP). */
  sendEncapsulated(remoteIp: string, outerFrame: Uint8Array): void;
  setReceiver(receive: (packet: TunnelPacketIn) => void): void;
  /** Called when an encapsulated packet could not be sent (e.g. no ARP answer from the remote endpoint). */
  onSendFailure(report: (remoteIp: string, error: string) => void): void;
}

export interface UnderlayStats {
  encapsulated: number;
  decapsulated: number;
  sendFailures: number;
  /** UDP 6081 payloads that were not valid Geneve. */
  malformed: number;
}

export class GeneveUnderlay implements TunnelUnderlay {
  readonly stats: UnderlayStats = { encapsulated: 0, decapsulated: 0, sendFailures: 0, malformed: 0 };
  private receiver: ((p: TunnelPacketIn) => void) | null = null;
  private failureReporter: (remoteIp: string, error: string) => void = () => {};

  /** `host` is the hypervisor's underlay interface (a VmHost with a static IPv4 address on the underlay). */
  constructor(private readonly host: VmHost) {
    const ip = host.ipv4Address;
    assert(ip !== undefined, () => `${host.name}: a Geneve underlay endpoint needs a static IPv4 address`);
    this.localIp = ip;
    host.udp.bind(genevePort, (d) => this.receive(d.src, d.dst, d.data, d.frame));
  }

  readonly localIp: string;

  setReceiver(receive: (packet: TunnelPacketIn) => void): void {
    this.receiver = receive;
  }

  onSendFailure(report: (remoteIp: string, error: string) => void): void {
    this.failureReporter = report;
  }

  send(remoteIp: string, header: TunnelHeader, inner: Uint8Array): void {
    this.host.resolveNextHop(remoteIp, (r) => {
      if (!r.ok) {
        this.stats.sendFailures++;
        return this.failureReporter(remoteIp, r.error);
      }
      this.stats.encapsulated++;
      // As ovs-vswitchd's userspace Geneve over IPv4: DF set, TTL 64, UDP checksum 0.
      this.host.sendFrame(buildFrame([
        { kind: 'ethernet', src: this.host.mac, dst: r.mac },
        { kind: 'ipv4', src: this.localIp, dst: remoteIp, ttl: 64, dontFragment: true },
        { kind: 'udp', srcPort: sourcePortFor(inner), dstPort: genevePort, noChecksum: true },
        { kind: 'geneve', vni: header.vni, options: header.options },
        { kind: 'raw', bytes: inner },
      ]));
    });
  }

  sendEncapsulated(remoteIp: string, outerFrame: Uint8Array): void {
    assert(outerFrame.length >= 14, () => `encapsulated frame of ${outerFrame.length} bytes has no Ethernet header`);
    this.host.resolveNextHop(remoteIp, (r) => {
      if (!r.ok) {
        this.stats.sendFailures++;
        return this.failureReporter(remoteIp, r.error);
      }
      this.stats.encapsulated++;
      const frame = outerFrame.slice();
      frame.set(r.mac, 0);
      frame.set(this.host.mac, 6);
      this.host.sendFrame(frame);
    });
  }

  private receive(src: string, dst: string, data: Uint8Array, outerFrame: Uint8Array): void {
    const g = attempt(() => readGeneve(data));
    if (!g.ok) {
      this.stats.malformed++;
      return this.host.log(`malformed Geneve from ${src} dropped: ${g.error.message}`);
    }
    this.stats.decapsulated++;
    const ovnPorts = readOvnTunnelPorts(g.value);
    this.receiver?.({
      remoteIp: src, localIp: dst, vni: g.value.vni, options: g.value.options, inner: g.value.payload, outerFrame,
      ...(ovnPorts ? { ovnPorts } : {}),
    });
  }
}

/** A deterministic entropy source port from the inner Ethernet and IP addresses (FNV-1a over the first 34 bytes). */
function sourcePortFor(inner: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < Math.min(inner.length, 34); i++) h = Math.imul(h ^ inner[i]!, 0x01000193) >>> 0;
  return tunnelSourcePortMin + (h % (tunnelSourcePortMax - tunnelSourcePortMin + 1));
}
