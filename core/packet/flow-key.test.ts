import { strict as assert } from 'node:assert';
import { extractFlowKey, geneveTunnelMetadata } from './flow-key';
import { buildFrame } from './build';
import { decodeFrame } from './decode';
import { arpRequest, geneveEncapsulate, icmp4Echo, neighborAdvertisement, neighborSolicitation, tcp4 } from './recipes';
import { tcpFlags } from './tcp';

const A = { mac: '00:00:00:00:00:01', ip: '10.0.0.1' };
const B = { mac: '00:00:00:00:00:02', ip: '10.0.0.2' };

describe('packet/flow-key', () => {
  it('extracts L2 fields with a VLAN tag', () => {
    const k = extractFlowKey(icmp4Echo({ srcMac: A.mac, dstMac: B.mac, vlan: 42, srcIp: A.ip, dstIp: B.ip, identifier: 1, sequence: 1 }), { in_port: 3 });
    assert.ok(k);
    assert.equal(k.in_port, 3);
    assert.equal(k.eth_src, 0x000000000001n);
    assert.equal(k.eth_dst, 0x000000000002n);
    assert.equal(k.eth_type, 0x0800);
    assert.equal(k.vlan_tci, 0x1000 | 42);
    assert.equal(k.vlan_vid, 0x1000 | 42);
    assert.equal(k.dl_vlan, 42);
    assert.equal(k.dl_vlan_pcp, 0);
    assert.deepEqual([k.ip_src, k.ip_dst, k.nw_proto, k.nw_ttl, k.ip_frag], [0x0a000001, 0x0a000002, 1, 64, 0]);
    assert.deepEqual([k.icmp_type, k.icmp_code], [8, 0]);
    assert.equal(k.tcp_src, undefined);
  });

  it('extracts ARP fields (nw_proto is the opcode)', () => {
    const k = extractFlowKey(arpRequest({ srcMac: A.mac, srcIp: A.ip, targetIp: B.ip }), { in_port: 1 });
    assert.ok(k);
    assert.equal(k.vlan_tci, 0);
    assert.equal(k.dl_vlan, undefined);
    assert.deepEqual([k.eth_type, k.arp_op, k.nw_proto, k.arp_spa, k.arp_tpa], [0x0806, 1, 1, 0x0a000001, 0x0a000002]);
    assert.equal(k.arp_sha, 1n);
    assert.equal(k.arp_tha, 0n);
    assert.equal(k.eth_dst, 0xffffffffffffn);
  });

  it('extracts TOS, TTL, fragment and TCP fields', () => {
    const frame = buildFrame([
      { kind: 'ethernet', src: A.mac, dst: B.mac },
      { kind: 'ipv4', src: A.ip, dst: B.ip, tos: 0xb9, ttl: 9, moreFragments: true },
      { kind: 'tcp', srcPort: 1000, dstPort: 80, flags: tcpFlags.syn | tcpFlags.ece },
    ]);
    const k = extractFlowKey(frame, { in_port: 1 });
    assert.ok(k);
    assert.deepEqual([k.nw_tos, k.ip_dscp, k.ip_ecn, k.nw_ttl, k.ip_frag], [0xb8, 0x2e, 1, 9, 1]);
    assert.deepEqual([k.tcp_src, k.tcp_dst, k.tcp_flags], [1000, 80, 0x042]);
    const later = buildFrame([
      { kind: 'ethernet', src: A.mac, dst: B.mac },
      { kind: 'ipv4', src: A.ip, dst: B.ip, protocol: 6, fragmentOffset: 3 },
      { kind: 'raw', bytes: new Uint8Array(24) },
    ]);
    const kl = extractFlowKey(later, { in_port: 1 });
    assert.ok(kl);
    assert.deepEqual([kl.ip_frag, kl.nw_proto, kl.tcp_src], [3, 6, undefined]);
  });

  it('gives zero L4 fields when the L4 header is truncated (as OVS does)', () => {
    const frame = tcp4({ srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip, srcPort: 1, dstPort: 2, flags: tcpFlags.syn });
    const cut = frame.slice(0, 14 + 20 + 10);
    cut[16] = 0;
    cut[17] = 30; // IPv4 total length now matches the 30 bytes present
    const k = extractFlowKey(cut, { in_port: 1 });
    assert.ok(k);
    assert.deepEqual([k.nw_proto, k.tcp_src, k.tcp_dst, k.tcp_flags], [6, 0, 0, 0]);
  });

  it('extracts IPv6 and ND fields', () => {
    const ns = extractFlowKey(neighborSolicitation({ srcMac: A.mac, srcIp: 'fe80::1', targetIp: 'fe80::2' }), { in_port: 1 });
    assert.ok(ns);
    assert.equal(ns.eth_type, 0x86dd);
    assert.equal(ns.ipv6_src, 0xfe800000000000000000000000000001n);
    assert.equal(ns.ipv6_dst, 0xff0200000000000000000001ff000002n);
    assert.deepEqual([ns.nw_proto, ns.nw_ttl, ns.icmpv6_type, ns.icmpv6_code, ns.ipv6_label], [58, 255, 135, 0, 0]);
    assert.equal(ns.nd_target, 0xfe800000000000000000000000000002n);
    assert.equal(ns.nd_sll, 1n);
    assert.equal(ns.nd_tll, 0n);
    const na = extractFlowKey(neighborAdvertisement({ srcMac: B.mac, srcIp: 'fe80::2', dstMac: A.mac, dstIp: 'fe80::1' }), { in_port: 1 });
    assert.ok(na);
    assert.equal(na.nd_tll, 2n);
    assert.equal(na.nd_sll, 0n);
  });

  it('returns null for a frame shorter than an Ethernet header', () => {
    assert.equal(extractFlowKey(new Uint8Array(10), { in_port: 1 }), null);
  });

  it('reads tunnel metadata and the inner flow of a Geneve frame', () => {
    const inner = icmp4Echo({ srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip, identifier: 1, sequence: 1 });
    const outer = geneveEncapsulate({
      srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.168.0.1', dstIp: '192.168.0.2',
      vni: 7, ports: { ingressPort: 5, egressPort: 0x8002 }, inner,
    });
    const d = decodeFrame(outer);
    assert.ok(d.ok && d.value.inner);
    const meta = geneveTunnelMetadata(d.value);
    assert.deepEqual(meta, { tun_id: 7n, tun_src: 0xc0a80001, tun_dst: 0xc0a80002, tun_metadata0: (5 << 16) | 0x8002 });
    assert.ok(d.value.app?.kind === 'geneve');
    const k = extractFlowKey(d.value.app.payload, { in_port: 9, ...meta });
    assert.ok(k);
    assert.deepEqual([k.in_port, k.tun_id, k.ip_src, k.icmp_type], [9, 7n, 0x0a000001, 8]);
    const ko = extractFlowKey(outer, { in_port: 1 });
    assert.ok(ko);
    assert.deepEqual([ko.udp_dst, ko.ip_src], [6081, 0xc0a80001]);
  });
});
