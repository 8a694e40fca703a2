// Seeded property test: random layer specs are built into frames; the strict parser must accept each frame
// and return the spec's values, and the flow key (read from raw bytes by separate code) must agree too.
import { strict as assert } from 'node:assert';
import { SeededRandom } from '../runtime/seeded-random';
import type { Random } from '../runtime/random';
import { buildFrame, type LayerSpec } from './build';
import { parseFrame } from './decode';
import { extractFlowKey } from './flow-key';
import { bytesToBigint, formatIpv4, formatIpv6, formatMac } from './address';

const seed = process.env.PACKET_FUZZ_SEED ?? 'packet-property-1';
const casesCount = 2000;

interface Drawn {
  readonly layers: LayerSpec[];
  readonly mac: { src: Uint8Array; dst: Uint8Array };
  readonly vid?: number;
  readonly pcp: number;
  readonly v6: boolean;
  readonly src: Uint8Array | number;
  readonly dst: Uint8Array | number;
  readonly tos: number;
  readonly ttl: number;
  readonly label: number;
  readonly l4: 'udp' | 'tcp' | 'sctp' | 'icmp';
  readonly sport: number;
  readonly dport: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

function draw(r: Random): Drawn {
  const mac = { src: r.bytes(6), dst: r.bytes(6) };
  const vid = r.chance(0.3) ? r.int(4096) : undefined;
  const pcp = r.int(8);
  const v6 = r.chance(0.5);
  const src = v6 ? r.bytes(16) : r.int(2 ** 32);
  const dst = v6 ? r.bytes(16) : r.int(2 ** 32);
  const tos = r.int(256);
  const ttl = r.int(256);
  const label = r.int(1 << 20);
  const l4 = r.pick(['udp', 'tcp', 'sctp', 'icmp'] as const);
  // Keep away from the well-known ports whose payload the decoder would try to parse as DHCP/DNS/Geneve.
  const sport = r.intBetween(1024, 65535);
  const dport = r.intBetween(1024, 65535);
  const flags = r.int(1 << 9);
  const payload = r.bytes(r.int(100));
  const layers: LayerSpec[] = [
    { kind: 'ethernet', src: mac.src, dst: mac.dst, ...(vid !== undefined ? { vlans: [{ vid, pcp }] } : {}) },
    v6
      ? { kind: 'ipv6', src: src as Uint8Array, dst: dst as Uint8Array, trafficClass: tos, hopLimit: ttl, flowLabel: label }
      : { kind: 'ipv4', src: src as number, dst: dst as number, tos, ttl, identification: r.int(65536) },
  ];
  if (l4 === 'udp') layers.push({ kind: 'udp', srcPort: sport, dstPort: dport }, { kind: 'raw', bytes: payload });
  if (l4 === 'tcp') layers.push({ kind: 'tcp', srcPort: sport, dstPort: dport, flags, seq: r.int(2 ** 32) }, { kind: 'raw', bytes: payload });
  if (l4 === 'sctp') layers.push({ kind: 'sctp', srcPort: sport, dstPort: dport, chunks: [{ type: 0, flags: 3, value: payload }] });
  if (l4 === 'icmp') {
    layers.push(v6
      ? { kind: 'icmp6', message: { kind: 'echo-request', identifier: sport, sequence: dport, data: payload } }
      : { kind: 'icmp4', type: 8, echo: { identifier: sport, sequence: dport }, body: payload });
  }
  return { layers, mac, ...(vid !== undefined ? { vid } : {}), pcp, v6, src, dst, tos, ttl, label, l4, sport, dport, flags, payload };
}

describe('packet build/parse/flow-key agree on random frames', () => {
  it(`${casesCount} random frames (seed ${seed})`, () => {
    console.log(`    packet property seed: ${seed} (set PACKET_FUZZ_SEED to replay)`);
    const r = new SeededRandom(seed);
    for (let i = 0; i < casesCount; i++) {
      const d = draw(r);
      const frame = buildFrame(d.layers);
      const where = `case ${i} (seed ${seed})`;
      const p = parseFrame(frame);
      if (!p.ok) assert.fail(`${where}: ${p.error.message}`);
      const f = p.value;
      assert.equal(formatMac(f.eth.src), formatMac(d.mac.src), where);
      assert.equal(f.eth.vlans[0]?.vid, d.vid, where);
      const l3 = f.l3;
      if (d.v6) {
        assert.ok(l3?.kind === 'ipv6', where);
        assert.equal(formatIpv6(l3.src), formatIpv6(d.src as Uint8Array), where);
        assert.deepEqual([l3.trafficClass, l3.hopLimit, l3.flowLabel], [d.tos, d.ttl, d.label], where);
      } else {
        assert.ok(l3?.kind === 'ipv4', where);
        assert.equal(formatIpv4(l3.dst), formatIpv4(d.dst as number), where);
        assert.deepEqual([l3.tos, l3.ttl], [d.tos, d.ttl], where);
      }
      const l4 = f.l4;
      assert.ok(l4, where);
      if (l4.kind === 'udp' || l4.kind === 'tcp') {
        assert.deepEqual([l4.srcPort, l4.dstPort, [...l4.payload]], [d.sport, d.dport, [...d.payload]], where);
      }
      if (l4.kind === 'tcp') assert.equal(l4.flags, d.flags, where);
      if (l4.kind === 'sctp') assert.deepEqual([...l4.chunks[0]!.value], [...d.payload], where);

      const k = extractFlowKey(frame, { in_port: 1 });
      assert.ok(k, where);
      assert.equal(k.eth_dst, bytesToBigint(d.mac.dst), where);
      assert.equal(k.dl_vlan, d.vid, where);
      if (d.vid !== undefined) assert.equal(k.dl_vlan_pcp, d.pcp, where);
      assert.deepEqual([k.nw_tos, k.ip_ecn, k.nw_ttl, k.ip_frag], [d.tos & 0xfc, d.tos & 3, d.ttl, 0], where);
      if (d.v6) assert.deepEqual([k.ipv6_src, k.ipv6_label], [bytesToBigint(d.src as Uint8Array), d.label], where);
      else assert.deepEqual([k.ip_src, k.ip_dst], [d.src, d.dst], where);
      const ports = { udp: [k.udp_src, k.udp_dst], tcp: [k.tcp_src, k.tcp_dst], sctp: [k.sctp_src, k.sctp_dst] } as const;
      if (d.l4 === 'icmp') {
        assert.deepEqual(d.v6 ? [k.icmpv6_type, k.icmpv6_code] : [k.icmp_type, k.icmp_code], [d.v6 ? 128 : 8, 0], where);
      } else {
        assert.deepEqual(ports[d.l4], [d.sport, d.dport], where);
      }
      if (d.l4 === 'tcp') assert.equal(k.tcp_flags, d.flags, where);
    }
  });
});
