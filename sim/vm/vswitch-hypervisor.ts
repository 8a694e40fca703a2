// A simulated hypervisor's data plane on sim/vswitch: a br-int Bridge with one VIF port per local VM and one
// Geneve tunnel port per remote chassis, its tunnel ports sending through a GeneveUnderlay (which ARPs for
// the remote endpoint and fixes the outer MACs) and its underlay deliveries fed back into the right tunnel
// port. The flows are whatever the caller installs (e.g. ovnStyleFlows).
import type { Clock } from '../../core/runtime/clock';
import type { Nic } from '../../core/runtime/datagram';
import { parseFlow } from '../../core/openflow';
import { Bridge } from '../vswitch/bridge';
import { assert } from '../../core/util/assert';
import type { GeneveUnderlay } from './geneve-underlay';

/** Tunnel ports are numbered from here (VIFs from 1), as ovs-vsctl ofport_request would in a test. */
export const firstTunnelOfport = 100;

export interface HypervisorDrop {
  readonly where: string;
  readonly reason: string;
}

export class VswitchHypervisor {
  readonly bridge: Bridge;
  readonly vifOfports = new Map<string, number>();
  readonly tunnelOfports = new Map<string, number>();
  private readonly tunnelByRemote = new Map<string, number>();

  constructor(readonly name: string, clock: Clock, private readonly underlay: GeneveUnderlay) {
    this.bridge = new Bridge({ name: 'br-int', clock });
    underlay.setReceiver((p) => {
      const ofport = this.tunnelByRemote.get(p.remoteIp);
      // OVS drops tunnel packets from endpoints with no matching port (no flow-based port here).
      if (ofport === undefined) {
        const reason = `no tunnel port for ${p.remoteIp}`;
        return void this.bridge.stats.malformed.set(reason, (this.bridge.stats.malformed.get(reason) ?? 0) + 1);
      }
      this.bridge.receive(ofport, p.outerFrame);
    });
  }

  /** Adds a VIF port whose frames come from and go to `nic` (the hypervisor side of the VM's wire). */
  addVif(portName: string, nic: Nic): number {
    const ofport = this.vifOfports.size + 1;
    assert(ofport < firstTunnelOfport, () => `${this.name}: too many VIFs`);
    this.bridge.addPort({ name: portName, kind: 'vif', ofport, deliver: (f) => nic.send(f) });
    nic.setReceiver((f) => this.bridge.receive(ofport, f));
    this.vifOfports.set(portName, ofport);
    return ofport;
  }

  /** Adds a Geneve tunnel port to `remoteIp` (options:remote_ip, key=flow: tun_id comes from the flows). */
  addTunnel(remoteIp: string): number {
    const ofport = firstTunnelOfport + this.tunnelOfports.size;
    this.bridge.addPort({
      name: `ovn-${remoteIp}`, kind: 'tunnel', ofport,
      tunnel: {
        // The underlay replaces both MACs after ARP; the port only needs to know the IPs.
        localMac: '00:00:00:00:00:00', remoteMac: '00:00:00:00:00:00', localIp: this.underlay.localIp, remoteIp,
        underlaySend: (frame) => this.underlay.sendEncapsulated(remoteIp, frame),
      },
    });
    this.tunnelOfports.set(remoteIp, ofport);
    this.tunnelByRemote.set(remoteIp, ofport);
    return ofport;
  }

  /** Installs flows written as ovs-ofctl add-flow text; a flow that does not parse is an error naming it. */
  addFlows(flows: readonly string[]): void {
    for (const text of flows) {
      const r = parseFlow(text);
      assert(r.ok, () => `${this.name}: flow does not parse: ${text}: ${r.ok ? '' : r.error}`);
      this.bridge.flowMod({ ...r.flowMod, command: 0 });
    }
  }
}
