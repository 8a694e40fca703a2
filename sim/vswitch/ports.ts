// Bridge ports: VIFs (a Nic-like endpoint), patch ports (to a port of another bridge), Geneve tunnel ports
// (encapsulation to a pluggable underlay sender) and LOCAL. Geneve follows ovn-architecture: VNI = tun_id
// (OVN's datapath key), one option of class 0x0102 type 0x80 carrying tun_metadata0 (ingress and egress
// logical port keys), outer Ethernet/IPv4/UDP to port 6081.
import {
  decodeFrame, geneveEncapsulate, readOvnTunnelPorts, type FlowMetadata,
} from '../../core/packet';
import { getField, S, W, type Slots } from './fields';

export type PortKind = 'vif' | 'patch' | 'tunnel' | 'local';

/** Where a tunnel port's encapsulated frames go and what its outer headers carry. */
export interface TunnelConfig {
  readonly localMac: string;
  readonly remoteMac: string;
  readonly localIp: string;
  /** A fixed remote, or 'flow' to take tun_dst from the packet (options:remote_ip=flow). */
  readonly remoteIp: string | 'flow';
  /** Sends an encapsulated frame on the underlay. */
  readonly underlaySend: (frame: Uint8Array) => void;
}

export interface PortSpec {
  readonly name: string;
  readonly kind: PortKind;
  /** Requested OpenFlow port number (ofport_request); otherwise the lowest free number from 1. */
  readonly ofport?: number;
  /** VIF/LOCAL: the endpoint frames are delivered to. */
  readonly deliver?: (frame: Uint8Array) => void;
  readonly tunnel?: TunnelConfig;
  /** Patch: the peer port's receive. */
  readonly peer?: (frame: Uint8Array) => void;
}

export interface Port extends PortSpec { readonly ofport: number; up: boolean }

export const ovnGeneveUdpPort = 6081;

/** FNV-1a of the inner frame's first 64 bytes: a stable UDP source port in the ephemeral range, as OVS
 * derives the outer source port from a hash of the inner flow. */
function udpSourcePort(inner: Uint8Array): number {
  let h = 0x811c9dc5;
  const n = Math.min(inner.length, 64);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ inner[i]!, 0x01000193);
  return 49152 + ((h >>> 0) % 16384);
}

function ipText(v: number): string {
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff].join('.');
}

export function encapsulate(t: TunnelConfig, inner: Uint8Array, state: Slots): Uint8Array | { error: string } {
  const tunId = getField(state, W.tun_id) ?? 0n;
  if (tunId > 0xffffffn) return { error: `tun_id ${tunId} does not fit a 24-bit Geneve VNI` };
  const dst = t.remoteIp === 'flow' ? ipText((state[S.tun_dst] as number) >>> 0) : t.remoteIp;
  const md = state[S.tun_metadata0];
  const ports = md === undefined ? { ingressPort: 0, egressPort: 0 } : { ingressPort: ((md as number) >>> 16) & 0x7fff, egressPort: (md as number) & 0xffff };
  return geneveEncapsulate({
    srcMac: t.localMac, dstMac: t.remoteMac, srcIp: t.localIp, dstIp: dst, srcPort: udpSourcePort(inner),
    vni: Number(tunId), ports, inner,
  });
}

/** An underlay frame for a tunnel port: the inner frame and its tunnel metadata, or why it is not one. */
export function decapsulate(frame: Uint8Array, ofport: number): { inner: Uint8Array; meta: FlowMetadata } | { error: string } {
  const d = decodeFrame(frame);
  if (!d.ok) return { error: `underlay frame: ${d.error.layer} at byte ${d.error.offset}: ${d.error.message}` };
  const f = d.value;
  const l3 = f.l3;
  const l4 = f.l4;
  if (!l3 || l3.kind !== 'ipv4' || !l4 || l4.kind !== 'udp' || l4.dstPort !== ovnGeneveUdpPort) {
    return { error: 'underlay frame is not IPv4/UDP to port 6081' };
  }
  const g = f.app;
  if (!g || g.kind !== 'geneve') return { error: 'UDP 6081 payload is not Geneve' };
  const ports = readOvnTunnelPorts(g);
  return {
    inner: g.payload,
    meta: {
      in_port: ofport, tun_id: BigInt(g.vni), tun_src: l3.src, tun_dst: l3.dst,
      ...(ports ? { tun_metadata0: ((ports.ingressPort << 16) | ports.egressPort) >>> 0 } : {}),
    },
  };
}
