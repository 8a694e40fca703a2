// Turns a pipeline's header changes back into frame bytes, as the datapath's set/push/pop actions do when a
// packet is output: VLAN push/pop/rewrite, Ethernet and ARP fields, IPv4/IPv6 addresses, TTL, DSCP/ECN and
// L4 ports. Checksums are updated incrementally (RFC 1624), as OVS's packet code does, so a frame with a
// wrong checksum stays wrong by the same amount instead of being silently repaired.
import { getField, partsDiffer, S, slot, W, type Slots } from './fields';

const vlanTpid = 0x8100;
const ethHeaderBytes = 14;
const sNwTos = slot('nw_tos');
const sEcn = slot('ip_ecn');
const sArp = { op: slot('arp_op'), spa: slot('arp_spa'), tpa: slot('arp_tpa') };

function rd16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/** Writes a 16-bit word and folds the change into the checksums stored at `csums` (absolute offsets;
 * a UDP checksum of 0 means "none" and is left alone). */
function patch16(b: Uint8Array, at: number, word: number, csums: readonly number[], udpCsumAt = -1): void {
  if (at + 2 > b.length) return;
  const old = rd16(b, at);
  if (old === word) return;
  b[at] = word >>> 8;
  b[at + 1] = word & 0xff;
  for (const c of csums) {
    if (c < 0 || c + 2 > b.length) continue;
    const hc = rd16(b, c);
    if (c === udpCsumAt && hc === 0) continue;
    // HC' = ~(~HC + ~m + m')
    let sum = (~hc & 0xffff) + (~old & 0xffff) + word;
    sum = (sum & 0xffff) + (sum >>> 16);
    sum = (sum & 0xffff) + (sum >>> 16);
    let out = ~sum & 0xffff;
    if (c === udpCsumAt && out === 0) out = 0xffff;
    b[c] = out >>> 8;
    b[c + 1] = out & 0xff;
  }
}

function patchBig(b: Uint8Array, at: number, v: bigint, bytes: number, csums: readonly number[], udpAt = -1): void {
  for (let i = 0; i < bytes; i += 2) {
    const shift = BigInt((bytes - i - 2) * 8);
    patch16(b, at + i, Number((v >> shift) & 0xffffn), csums, udpAt);
  }
}

function writeMac(b: Uint8Array, at: number, v: bigint): void {
  for (let i = 0; i < 6; i++) b[at + i] = Number((v >> BigInt((5 - i) * 8)) & 0xffn);
}

/** The frame as the state says it should leave: `frame` was extracted into `orig`, `cur` is after the
 * pipeline. Returns `frame` itself when nothing changed. */
export function writeBack(frame: Uint8Array, orig: Slots, cur: Slots): Uint8Array {
  let changed = false;
  for (let i = 0; i < orig.length; i++) if (orig[i] !== cur[i]) { changed = true; break; }
  if (!changed) return frame;
  let b = frame;
  const ot = (orig[S.vlan_tci] as number | undefined) ?? 0;
  const ct = (cur[S.vlan_tci] as number | undefined) ?? 0;
  if (ot !== ct) {
    if (ot === 0) {
      b = new Uint8Array(frame.length + 4);
      b.set(frame.subarray(0, 12), 0);
      b[12] = vlanTpid >>> 8; b[13] = vlanTpid & 0xff;
      b[14] = (ct >>> 8) & ~0x10; b[15] = ct & 0xff;
      b.set(frame.subarray(12), 16);
    } else if (ct === 0) {
      b = new Uint8Array(frame.length - 4);
      b.set(frame.subarray(0, 12), 0);
      b.set(frame.subarray(16), 12);
    } else {
      b = frame.slice();
      b[14] = (ct >>> 8) & ~0x10; b[15] = ct & 0xff;
    }
  } else {
    b = frame.slice();
  }
  if (partsDiffer(orig, cur, W.eth_dst)) writeMac(b, 0, getField(cur, W.eth_dst)!);
  if (partsDiffer(orig, cur, W.eth_src)) writeMac(b, 6, getField(cur, W.eth_src)!);
  const l3 = ethHeaderBytes + (ct !== 0 ? 4 : 0);
  const ethType = cur[S.eth_type];
  if (ethType === 0x0800) writeIpv4(b, l3, orig, cur);
  else if (ethType === 0x86dd) writeIpv6(b, l3, orig, cur);
  else if (ethType === 0x0806) writeArp(b, l3, orig, cur);
  return b;
}

function l4Csum(proto: number | undefined, l4: number): { at: number; udp: number } {
  if (proto === 6) return { at: l4 + 16, udp: -1 };
  if (proto === 17) return { at: l4 + 6, udp: l4 + 6 };
  return { at: -1, udp: -1 };
}

function writePorts(b: Uint8Array, l4: number, orig: Slots, cur: Slots, csums: number[], udp: number): void {
  const pairs: [number, number][] = [[S.tcp_src, S.tcp_dst], [S.udp_src, S.udp_dst], [S.sctp_src, S.sctp_dst]];
  for (const [src, dst] of pairs) {
    if (cur[src] === undefined) continue;
    if (orig[src] !== cur[src]) patch16(b, l4, cur[src] as number, csums, udp);
    if (orig[dst] !== cur[dst]) patch16(b, l4 + 2, cur[dst] as number, csums, udp);
  }
}

function writeIpv4(b: Uint8Array, l3: number, orig: Slots, cur: Slots): void {
  if (l3 + 20 > b.length) return;
  const ihl = (b[l3]! & 0x0f) * 4;
  const l4 = l3 + ihl;
  const ipCsum = l3 + 10;
  const proto = cur[S.nw_proto] as number | undefined;
  const { at: l4c, udp } = l4Csum(proto, l4);
  const fragOffset = rd16(b, l3 + 6) & 0x1fff;
  const l4Ok = fragOffset === 0;
  const withL4 = l4Ok ? [ipCsum, l4c] : [ipCsum];
  if (orig[S.ip_src] !== cur[S.ip_src]) {
    const v = cur[S.ip_src] as number;
    patch16(b, l3 + 12, v >>> 16, withL4, udp);
    patch16(b, l3 + 14, v & 0xffff, withL4, udp);
  }
  if (orig[S.ip_dst] !== cur[S.ip_dst]) {
    const v = cur[S.ip_dst] as number;
    patch16(b, l3 + 16, v >>> 16, withL4, udp);
    patch16(b, l3 + 18, v & 0xffff, withL4, udp);
  }
  if (orig[S.nw_ttl] !== cur[S.nw_ttl]) patch16(b, l3 + 8, ((cur[S.nw_ttl] as number) << 8) | b[l3 + 9]!, [ipCsum]);
  if (orig[sNwTos] !== cur[sNwTos] || orig[sEcn] !== cur[sEcn]) {
    patch16(b, l3, (b[l3]! << 8) | ((cur[sNwTos] as number) & 0xfc) | ((cur[sEcn] as number) & 3), [ipCsum]);
  }
  if (!l4Ok) return;
  writePorts(b, l4, orig, cur, [l4c], udp);
  if (proto === 1 && (orig[S.icmp_type] !== cur[S.icmp_type] || orig[S.icmp_code] !== cur[S.icmp_code])) {
    patch16(b, l4, ((cur[S.icmp_type] as number) << 8) | (cur[S.icmp_code] as number), [l4 + 2]);
  }
}

function writeIpv6(b: Uint8Array, l3: number, orig: Slots, cur: Slots): void {
  if (l3 + 40 > b.length) return;
  const l4 = l3 + 40;
  const proto = b[l3 + 6];
  const { at: l4c, udp } = proto === 58 ? { at: l4 + 2, udp: -1 } : l4Csum(proto, l4);
  if (partsDiffer(orig, cur, W.ipv6_src)) patchBig(b, l3 + 8, getField(cur, W.ipv6_src)!, 16, [l4c], udp);
  if (partsDiffer(orig, cur, W.ipv6_dst)) patchBig(b, l3 + 24, getField(cur, W.ipv6_dst)!, 16, [l4c], udp);
  if (orig[S.nw_ttl] !== cur[S.nw_ttl]) b[l3 + 7] = cur[S.nw_ttl] as number;
  writePorts(b, l4, orig, cur, [l4c], udp);
}

function writeArp(b: Uint8Array, l3: number, orig: Slots, cur: Slots): void {
  if (l3 + 28 > b.length) return;
  if (orig[sArp.op] !== cur[sArp.op]) patch16(b, l3 + 6, cur[sArp.op] as number, []);
  if (partsDiffer(orig, cur, W.arp_sha)) writeMac(b, l3 + 8, getField(cur, W.arp_sha)!);
  if (orig[sArp.spa] !== cur[sArp.spa]) { const v = cur[sArp.spa] as number; patch16(b, l3 + 14, v >>> 16, []); patch16(b, l3 + 16, v & 0xffff, []); }
  if (partsDiffer(orig, cur, W.arp_tha)) writeMac(b, l3 + 18, getField(cur, W.arp_tha)!);
  if (orig[sArp.tpa] !== cur[sArp.tpa]) { const v = cur[sArp.tpa] as number; patch16(b, l3 + 24, v >>> 16, []); patch16(b, l3 + 26, v & 0xffff, []); }
}
