// A stand-in for a hypervisor's br-int until the simulated vswitch is used: one logical switch forwarded the
// way OVN's flows would (ovn-architecture(7), "Life Cycle of a Packet"): a frame from a VIF gets its logical
// ingress port key; the destination MAC selects the logical egress port; a port on this chassis is delivered
// locally, a port elsewhere goes through the Geneve tunnel with VNI = datapath key and OVN's option carrying
// (ingress, egress); broadcast and unknown destinations flood (multicast group key 32768, OVN's _MC_flood).
// Every decision is reported as a fate, so a replayed frame's path can be read back.
import type { Nic } from '../../core/runtime/datagram';
import { formatMac, parseMacText } from '../../core/packet/address';
import { ovnGeneveOption } from '../../core/packet/geneve';
import { assert } from '../../core/util/assert';
import type { TunnelPacketIn, TunnelUnderlay } from './geneve-underlay';

/** OVN's multicast group key for flooding a logical switch (northd: OVN_MCAST_FLOOD_TUNNEL_KEY). */
export const floodGroupKey = 32768;

export interface LogicalPortBinding {
  readonly name: string;
  readonly mac: string;
  /** The port's tunnel key (15 bits, as in SB Port_Binding.tunnel_key). */
  readonly tunnelKey: number;
  /** Underlay IP of the chassis the port is bound to. */
  readonly chassisIp: string;
}

export type ForwardingFate =
  | { readonly kind: 'delivered'; readonly chassisIp: string; readonly port: string }
  | { readonly kind: 'tunneled'; readonly chassisIp: string; readonly toChassisIp: string; readonly vni: number; readonly ingressPort: number; readonly egressPort: number }
  | { readonly kind: 'dropped'; readonly chassisIp: string; readonly reason: string };

export interface MiniForwarderOptions {
  readonly datapathKey: number;
  readonly underlay: TunnelUnderlay;
  readonly ports: readonly LogicalPortBinding[];
  readonly fate?: (fate: ForwardingFate, frame: Uint8Array) => void;
}

export class MiniOvnForwarder {
  private readonly byMac = new Map<string, LogicalPortBinding>();
  private readonly byKey = new Map<number, LogicalPortBinding>();
  private readonly vifs = new Map<string, Nic>();
  private readonly localIp: string;
  private readonly reportFate: (fate: ForwardingFate, frame: Uint8Array) => void;

  constructor(private readonly options: MiniForwarderOptions) {
    this.localIp = options.underlay.localIp;
    this.reportFate = options.fate ?? (() => {});
    for (const p of options.ports) {
      const mac = parseMacText(p.mac);
      assert(mac !== null, () => `port ${p.name}: bad MAC ${p.mac}`);
      assert(p.tunnelKey > 0 && p.tunnelKey < floodGroupKey, () => `port ${p.name}: tunnel key ${p.tunnelKey} is not 1..32767`);
      assert(!this.byKey.has(p.tunnelKey), () => `port ${p.name}: tunnel key ${p.tunnelKey} used twice`);
      this.byMac.set(formatMac(mac), p);
      this.byKey.set(p.tunnelKey, p);
    }
    options.underlay.setReceiver((p) => this.fromTunnel(p));
    options.underlay.onSendFailure((remote, error) => this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: `tunnel to ${remote}: ${error}` }, new Uint8Array(0)));
  }

  /** Plugs the hypervisor side of a VIF for a port bound to this chassis. */
  attachVif(portName: string, nic: Nic): void {
    const port = this.options.ports.find((p) => p.name === portName);
    assert(port !== undefined, () => `no logical port ${portName}`);
    assert(port.chassisIp === this.localIp, () => `port ${portName} is bound to ${port.chassisIp}, not ${this.localIp}`);
    this.vifs.set(portName, nic);
    nic.setReceiver((frame) => this.fromVif(port, frame));
  }

  private fromVif(ingress: LogicalPortBinding, frame: Uint8Array): void {
    if (frame.length < 14) return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: 'runt frame' }, frame);
    // Port security (ls_in_port_sec_l2): the source MAC must be the port's.
    if (formatMac(frame.subarray(6, 12)) !== formatMac(parseMacText(ingress.mac)!)) {
      return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: `port security on ${ingress.name}` }, frame);
    }
    const egress = (frame[0]! & 1) === 0 ? this.byMac.get(formatMac(frame.subarray(0, 6))) : undefined;
    if (egress) return this.output(ingress.tunnelKey, egress, frame);
    // Flood: every other local port, and each other chassis once with the flood group as egress.
    for (const p of this.options.ports) if (p !== ingress && p.chassisIp === this.localIp) this.deliver(p, frame);
    for (const chassis of new Set(this.options.ports.map((p) => p.chassisIp))) {
      if (chassis !== this.localIp) this.tunnel(chassis, ingress.tunnelKey, floodGroupKey, frame);
    }
  }

  private output(ingressKey: number, egress: LogicalPortBinding, frame: Uint8Array): void {
    if (egress.chassisIp === this.localIp) this.deliver(egress, frame);
    else this.tunnel(egress.chassisIp, ingressKey, egress.tunnelKey, frame);
  }

  private tunnel(toChassisIp: string, ingressPort: number, egressPort: number, frame: Uint8Array): void {
    const vni = this.options.datapathKey;
    this.reportFate({ kind: 'tunneled', chassisIp: this.localIp, toChassisIp, vni, ingressPort, egressPort }, frame);
    this.options.underlay.send(toChassisIp, { vni, options: [ovnGeneveOption({ ingressPort, egressPort })] }, frame);
  }

  private fromTunnel(p: TunnelPacketIn): void {
    if (p.vni !== this.options.datapathKey) {
      return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: `unknown VNI ${p.vni}` }, p.inner);
    }
    if (!p.ovnPorts) return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: 'no OVN Geneve option' }, p.inner);
    const { ingressPort, egressPort } = p.ovnPorts;
    if (egressPort === floodGroupKey) {
      for (const port of this.options.ports) {
        if (port.chassisIp === this.localIp && port.tunnelKey !== ingressPort) this.deliver(port, p.inner);
      }
      return;
    }
    const egress = this.byKey.get(egressPort);
    if (!egress || egress.chassisIp !== this.localIp) {
      return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: `egress port key ${egressPort} not on this chassis` }, p.inner);
    }
    this.deliver(egress, p.inner);
  }

  private deliver(port: LogicalPortBinding, frame: Uint8Array): void {
    const nic = this.vifs.get(port.name);
    if (!nic) return this.reportFate({ kind: 'dropped', chassisIp: this.localIp, reason: `port ${port.name} has no VIF attached` }, frame);
    this.reportFate({ kind: 'delivered', chassisIp: this.localIp, port: port.name }, frame);
    nic.send(frame);
  }
}
