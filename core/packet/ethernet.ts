// Ethernet II frames with up to two 802.1Q/802.1ad VLAN tags (as OVS parses: FLOW_MAX_VLAN_HEADERS = 2).
import { Cursor, Writer } from './bytes';
import { toMac, type MacLike } from './address';

export const ethTypes = {
  ipv4: 0x0800,
  arp: 0x0806,
  vlan: 0x8100,
  qinq: 0x88a8,
  ipv6: 0x86dd,
  transparentEthernet: 0x6558, // Geneve payload type for Ethernet frames
} as const;

/** Tag protocol identifiers that introduce a VLAN tag. */
const vlanTpids: ReadonlySet<number> = new Set([ethTypes.vlan, ethTypes.qinq]);
/** OVS parses at most two VLAN headers; a third tag stays the frame's eth_type. */
export const maxVlanTagsCount = 2;
export const ethernetHeaderBytes = 14;

export interface VlanTag {
  readonly tpid: number;
  readonly pcp: number;
  readonly dei: number;
  readonly vid: number;
}

export interface EthernetFrame {
  readonly kind: 'ethernet';
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  /** Outermost first. */
  readonly vlans: readonly VlanTag[];
  /** The EtherType after the VLAN tags (a value < 0x600 is an 802.3 length). */
  readonly ethType: number;
  readonly headerLength: number;
  readonly payload: Uint8Array;
}

export function readEthernet(bytes: Uint8Array, base = 0): EthernetFrame {
  const c = new Cursor(bytes, 'ethernet', base);
  const dst = c.take(6, 'destination MAC');
  const src = c.take(6, 'source MAC');
  let ethType = c.u16('EtherType');
  const vlans: VlanTag[] = [];
  while (vlanTpids.has(ethType) && vlans.length < maxVlanTagsCount) {
    const tci = c.u16('VLAN TCI');
    vlans.push({ tpid: ethType, pcp: tci >>> 13, dei: (tci >>> 12) & 1, vid: tci & 0xfff });
    ethType = c.u16('EtherType after VLAN tag');
  }
  return { kind: 'ethernet', dst, src, vlans, ethType, headerLength: c.pos, payload: c.rest() };
}

export interface VlanSpec {
  readonly vid: number;
  readonly pcp?: number;
  readonly dei?: number;
  /** Defaults to 0x8100. */
  readonly tpid?: number;
}

export interface EthernetSpec {
  readonly src: MacLike;
  readonly dst: MacLike;
  /** Defaults to the type implied by the next layer when built with buildFrame. */
  readonly ethType?: number;
  readonly vlans?: readonly VlanSpec[];
}

export function encodeEthernet(spec: EthernetSpec, ethType: number, payload: Uint8Array): Uint8Array {
  const w = new Writer().bytes(toMac(spec.dst)).bytes(toMac(spec.src));
  for (const v of spec.vlans ?? []) {
    w.u16(v.tpid ?? ethTypes.vlan).u16(((v.pcp ?? 0) << 13) | ((v.dei ?? 0) << 12) | (v.vid & 0xfff));
  }
  return w.u16(ethType).bytes(payload).finish();
}
