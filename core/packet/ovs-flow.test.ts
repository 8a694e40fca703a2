// Differential test of flow-key extraction against ovs-vswitchd (the oracle): a dummy-datapath bridge is
// started in a temp dir and `ovs-appctl ofproto/trace br0 in_port=1 HEX` prints the flow OVS extracted from
// each frame; ours must agree field by field. Frames: the usual kinds, edge cases, and seeded mutations.
import { strict as assert } from 'node:assert';
import { upstreamOrSkip } from '../../test-support/upstream';
import { ovsSandboxBinaries, startOvsSandbox, type OvsSandbox } from './ovs-sandbox.test';
import { SeededRandom } from '../runtime/seeded-random';
import { buildFrame } from './build';
import { toHex } from './bytes';
import { bytesToBigint, parseIpv4Text, parseIpv6Text, parseMacText } from './address';
import { extractFlowKey, type FlowKey } from './flow-key';
import { formatFlowKey } from './flow-format';
import {
  arpRequest, dhcp4Discover, dnsQuery, geneveEncapsulate, icmp4Echo, icmp6Echo, neighborAdvertisement,
  neighborSolicitation, routerSolicitation, tcp4,
} from './recipes';
import { tcpFlags } from './tcp';

const ab = { srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2' };
const e = { kind: 'ethernet' as const, src: ab.srcMac, dst: ab.dstMac };
const seed = process.env.PACKET_FUZZ_SEED ?? 'ovs-flow-1';
const mutatedFramesCount = Number(process.env.PACKET_OVS_MUTATIONS ?? 200);

function namedFrames(): Array<[string, Uint8Array]> {
  const echo = icmp4Echo({ ...ab, identifier: 1, sequence: 1 });
  return [
    ['icmp echo', echo],
    ['icmp on vlan', icmp4Echo({ ...ab, vlan: 42, identifier: 1, sequence: 1 })],
    ['double tagged (vlan-limit 1)', buildFrame([{ ...e, vlans: [{ vid: 5, pcp: 3, tpid: 0x88a8 }, { vid: 6 }] }, { kind: 'arp', op: 2, sha: ab.srcMac, spa: ab.srcIp, tha: ab.dstMac, tpa: ab.dstIp }])],
    ['arp request', arpRequest({ srcMac: ab.srcMac, srcIp: ab.srcIp, targetIp: ab.dstIp })],
    ['tcp syn+ack+ece', tcp4({ ...ab, srcPort: 1234, dstPort: 80, flags: tcpFlags.syn | tcpFlags.ack | tcpFlags.ece })],
    ['tcp no flags', tcp4({ ...ab, srcPort: 1, dstPort: 2, flags: 0 })],
    ['dhcp discover', dhcp4Discover({ mac: ab.srcMac, xid: 1 })],
    ['dns query', dnsQuery({ ...ab, id: 1, name: 'example.com' })],
    ['geneve', geneveEncapsulate({ ...ab, vni: 5, ports: { ingressPort: 1, egressPort: 2 }, inner: echo })],
    ['ipv4 first fragment, tos', buildFrame([e, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp, moreFragments: true, tos: 0xbb, ttl: 3 }, { kind: 'udp', srcPort: 5, dstPort: 6 }])],
    ['ipv4 later fragment', buildFrame([e, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp, protocol: 6, fragmentOffset: 100 }, { kind: 'raw', bytes: new Uint8Array(20) }])],
    ['ipv4 options', buildFrame([e, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp, options: [{ type: 148, data: new Uint8Array(2) }] }, { kind: 'udp', srcPort: 5, dstPort: 6 }])],
    ['sctp over ipv6', buildFrame([e, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', flowLabel: 0xfffff }, { kind: 'sctp', srcPort: 7, dstPort: 8 }])],
    ['icmpv6 echo', icmp6Echo({ srcMac: ab.srcMac, dstMac: ab.dstMac, srcIp: 'fd00::1', dstIp: 'fd00::2', identifier: 1, sequence: 2 })],
    ['neighbor solicitation', neighborSolicitation({ srcMac: ab.srcMac, srcIp: 'fe80::1', targetIp: 'fe80::2' })],
    ['neighbor advertisement', neighborAdvertisement({ srcMac: ab.srcMac, srcIp: 'fe80::1', dstMac: ab.dstMac, dstIp: 'fe80::2' })],
    ['router solicitation', routerSolicitation({ srcMac: ab.srcMac, srcIp: 'fe80::1' })],
    ['ns without options', buildFrame([e, { kind: 'ipv6', src: '::', dst: 'ff02::1:ff00:2', hopLimit: 255 }, { kind: 'icmp6', message: { kind: 'ns', target: 'fe80::2' } }])],
    ['ipv6 ext headers + first fragment + tcp', buildFrame([e, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', trafficClass: 0xb9, extensions: [{ type: 0 }, { type: 60 }, { type: 44, offset: 0, moreFragments: true, identification: 9 }] }, { kind: 'tcp', srcPort: 9, dstPort: 10, flags: tcpFlags.rst }])],
    ['ipv6 later fragment', buildFrame([e, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', protocol: 17, extensions: [{ type: 44, offset: 5, moreFragments: false, identification: 9 }] }, { kind: 'raw', bytes: new Uint8Array(16) }])],
    ['802.3 length frame', buildFrame([{ ...e, ethType: 0x0030 }, { kind: 'raw', bytes: new Uint8Array(48) }])],
    ['truncated ipv4 header', echo.slice(0, 24)],
    ['truncated tcp header', (() => { const f = tcp4({ ...ab, srcPort: 1, dstPort: 2, flags: 2 }).slice(0, 44); f[17] = 30; return f; })()],
  ];
}

function mutate(r: SeededRandom, frame: Uint8Array): Uint8Array {
  let out = frame.slice();
  for (let step = r.intBetween(1, 3); step > 0 && out.length > 14; step--) {
    const kind = r.int(3);
    if (kind === 0) out = out.slice(0, r.intBetween(14, out.length));
    else if (kind === 1) out[r.intBetween(12, out.length - 1)] ^= 1 << r.int(8);
    else out[r.intBetween(12, out.length - 1)] = r.pick([0, 1, 2, 0xff, 0x80, 0x11, 0x3a, 0x2c, 0x87, 0x88]);
  }
  return out;
}

const protoPrefixes: Readonly<Record<string, { eth_type: number; nw_proto?: number }>> = {
  ip: { eth_type: 0x0800 }, icmp: { eth_type: 0x0800, nw_proto: 1 }, tcp: { eth_type: 0x0800, nw_proto: 6 },
  udp: { eth_type: 0x0800, nw_proto: 17 }, sctp: { eth_type: 0x0800, nw_proto: 132 }, arp: { eth_type: 0x0806 },
  ipv6: { eth_type: 0x86dd }, icmp6: { eth_type: 0x86dd, nw_proto: 58 }, tcp6: { eth_type: 0x86dd, nw_proto: 6 },
  udp6: { eth_type: 0x86dd, nw_proto: 17 }, sctp6: { eth_type: 0x86dd, nw_proto: 132 }, rarp: { eth_type: 0x8035 },
};
const tcpFlagNames: Readonly<Record<string, number>> = {
  fin: 0x1, syn: 0x2, rst: 0x4, psh: 0x8, ack: 0x10, urg: 0x20, ece: 0x40, cwr: 0x80, ns: 0x100,
};
/** A flag name, or an unnamed bit OVS prints in brackets ("[800]"). */
function tcpFlagBits(token: string): number {
  const bracketed = /^\[([0-9a-f]+)\]$/.exec(token);
  const bits = bracketed ? parseInt(bracketed[1]!, 16) : tcpFlagNames[token];
  assert.ok(bits !== undefined, `unknown tcp flag ${token}`);
  return bits;
}
const fragValues: Readonly<Record<string, number>> = { no: 0, first: 1, later: 3 };

type Value = number | bigint;

/** OVS's "Flow: ..." text converted to our field names and representation. */
function fromOvsFlow(text: string): Map<string, Value> {
  const out = new Map<string, Value>();
  const mac = (v: string): bigint => bytesToBigint(parseMacText(v)!);
  const l4: Array<[string, string]> = [];
  const inner: { vid?: number; pcp?: number } = {};
  for (const part of text.split(',')) {
    const [name, value] = part.split('=') as [string, string | undefined];
    if (value === undefined) {
      const p = protoPrefixes[name];
      assert.ok(p, `unknown flow prefix ${name}`);
      out.set('eth_type', p.eth_type);
      if (p.nw_proto !== undefined) out.set('nw_proto', p.nw_proto);
      continue;
    }
    switch (name) {
      case 'in_port': case 'nw_proto': case 'nw_tos': case 'nw_ttl': case 'arp_op': case 'dl_vlan': case 'dl_vlan_pcp':
        out.set(name, Number(value));
        break;
      case 'vlan_tci': case 'vlan_tci1': case 'ipv6_label': case 'dl_type':
        out.set(name === 'dl_type' ? 'eth_type' : name, parseInt(value, 16));
        break;
      case 'dl_src': case 'dl_dst':
        out.set(name === 'dl_src' ? 'eth_src' : 'eth_dst', mac(value));
        break;
      case 'arp_sha': case 'arp_tha': case 'nd_sll': case 'nd_tll':
        out.set(name, mac(value));
        break;
      case 'nw_src': case 'nw_dst': case 'arp_spa': case 'arp_tpa':
        out.set(name === 'nw_src' ? 'ip_src' : name === 'nw_dst' ? 'ip_dst' : name, parseIpv4Text(value)!);
        break;
      case 'ipv6_src': case 'ipv6_dst': case 'nd_target':
        out.set(name, bytesToBigint(parseIpv6Text(value)!));
        break;
      case 'nw_ecn':
        out.set('ip_ecn', Number(value));
        break;
      case 'nw_frag':
        out.set('ip_frag', fragValues[value]!);
        break;
      case 'tcp_flags':
        out.set('tcp_flags', value === '0' ? 0 : value.split('|').reduce((n, f) => n | tcpFlagBits(f), 0));
        break;
      case 'dl_vlan1': case 'dl_vlan_pcp1': // the inner tag, shown when vlan-limit is 2
        inner[name === 'dl_vlan1' ? 'vid' : 'pcp'] = Number(value);
        break;
      case 'tp_src': case 'tp_dst': case 'icmp_type': case 'icmp_code':
        l4.push([name, value]);
        break;
      default:
        assert.fail(`unmapped OVS flow field ${name}=${value}`);
    }
  }
  if (inner.vid !== undefined) out.set('vlan_tci1', 0x1000 | inner.vid | ((inner.pcp ?? 0) << 13));
  // tp_src/icmp_type name the L4 field generically; ours are per protocol.
  const v6 = out.get('eth_type') === 0x86dd;
  const prefix = ({ 6: 'tcp', 17: 'udp', 132: 'sctp' } as Record<number, string>)[Number(out.get('nw_proto'))];
  for (const [name, value] of l4) {
    // tp_src/tp_dst of a protocol with no named OpenFlow field (IGMP, ICMPv6 over IPv4...) can never be
    // matched, so the flow key does not carry them.
    if (name.startsWith('tp_') && prefix === undefined) continue;
    const ours = name.startsWith('icmp') ? (v6 ? name.replace('icmp', 'icmpv6') : name) : `${prefix}_${name.slice(3)}`;
    out.set(ours, Number(value));
  }
  return out;
}

/** Our fields that OVS's flow text does not print (derived views). */
const notPrintedByOvs: ReadonlySet<string> = new Set(['vlan_vid', 'ip_dscp', 'tcp_flags_when_absent']);

function compare(name: string, ours: FlowKey, ovs: Map<string, Value>, vlanLimit: 1 | 2 = 1): string[] {
  const diffs: string[] = [];
  const mine = new Map<string, Value>(Object.entries(ours).filter(([, v]) => v !== undefined) as Array<[string, Value]>);
  // OVS prints vlan_tci only when untagged, dl_vlan/dl_vlan_pcp when tagged; ARP's nw_proto not at all.
  if (mine.get('vlan_tci') !== 0) mine.delete('vlan_tci');
  if (mine.get('eth_type') === 0x0806 || mine.get('eth_type') === 0x8035) mine.delete('nw_proto');
  if (vlanLimit === 1) ovs.delete('vlan_tci1'); // the unused second tag slot
  else if (!ovs.has('vlan_tci1') && mine.get('vlan_tci1') === 0) mine.delete('vlan_tci1'); // untagged: not printed
  for (const [field, value] of ovs) {
    if (mine.get(field) !== value) diffs.push(`${name}: ${field} ovs=${value} ours=${mine.get(field)}`);
  }
  for (const [field, value] of mine) {
    if (!ovs.has(field) && !notPrintedByOvs.has(field)) diffs.push(`${name}: ${field}=${value} not in OVS flow`);
  }
  return diffs;
}

describe('flow-key extraction vs ovs-vswitchd ofproto/trace', function () {
  this.timeout(120000);
  let ovs: OvsSandbox | undefined;

  before(function () {
    upstreamOrSkip(this, ...ovsSandboxBinaries);
    ovs = startOvsSandbox();
    ovs.vsctl('add-br', 'br0', '--', 'set', 'bridge', 'br0', 'datapath-type=dummy',
      '--', 'add-port', 'br0', 'p1', '--', 'set', 'interface', 'p1', 'type=dummy', 'ofport_request=1');
  });

  after(() => ovs?.stop());

  function ovsFlowText(frame: Uint8Array): string {
    const out = ovs!.appctl('ofproto/trace', 'br0', 'in_port=1', toHex(frame));
    const line = out.split('\n').find((l) => l.startsWith('Flow: '));
    assert.ok(line, `no Flow: line in trace output:\n${out}`);
    return line.slice('Flow: '.length);
  }

  function ovsFlow(frame: Uint8Array): Map<string, Value> {
    return fromOvsFlow(ovsFlowText(frame));
  }

  it('formats flow keys exactly as OVS prints them', () => {
    const r = new SeededRandom(`${seed}/format`);
    const frames = namedFrames();
    for (let i = 0; i < 100; i++) frames.push([`mutation ${i}`, mutate(r, r.pick(frames)[1])]);
    const diffs: string[] = [];
    let compared = 0;
    for (const [name, frame] of frames) {
      const ours = extractFlowKey(frame, { in_port: 1 });
      assert.ok(ours, name);
      const theirs = ovsFlowText(frame);
      // OVS adds generic tp_src/tp_dst for IP protocols without named fields; we do not carry those.
      if (/^(ip|ipv6),/.test(theirs) && theirs.includes(',tp_src=')) continue;
      compared++;
      if (formatFlowKey(ours) !== theirs) diffs.push(`${name} ${toHex(frame)}\n  ovs:  ${theirs}\n  ours: ${formatFlowKey(ours)}`);
    }
    assert.ok(compared > frames.length / 2, `only ${compared} of ${frames.length} frames compared`);
    assert.deepEqual(diffs, []);
  });

  it('agrees on well-formed and edge-case frames', () => {
    const diffs: string[] = [];
    for (const [name, frame] of namedFrames()) {
      const ours = extractFlowKey(frame, { in_port: 1 });
      assert.ok(ours, name);
      diffs.push(...compare(name, ours, ovsFlow(frame)));
    }
    assert.deepEqual(diffs, []);
  });

  it('agrees with other_config:vlan-limit=2 on tagged and double-tagged frames', () => {
    ovs!.vsctl('set', 'Open_vSwitch', '.', 'other_config:vlan-limit=2');
    try {
      const diffs: string[] = [];
      const frames: Array<[string, Uint8Array]> = [
        ...namedFrames(),
        ['double tagged, inner pcp', buildFrame([{ ...e, vlans: [{ vid: 100, pcp: 7, tpid: 0x88a8 }, { vid: 200, pcp: 2 }] }, { kind: 'ipv4', src: ab.srcIp, dst: ab.dstIp }, { kind: 'udp', srcPort: 1, dstPort: 2 }])],
        // A third tag stays unparsed: its TPID is the eth_type.
        ['triple tagged', buildFrame([{ ...e, ethType: 0x8100, vlans: [{ vid: 1 }, { vid: 2 }] }, { kind: 'raw', bytes: new Uint8Array([0x00, 0x03, 0x08, 0x00, ...new Uint8Array(30)]) }])],
      ];
      for (const [name, frame] of frames) {
        const ours = extractFlowKey(frame, { in_port: 1 }, { vlanLimit: 2 });
        assert.ok(ours, name);
        diffs.push(...compare(name, ours, ovsFlow(frame), 2));
      }
      assert.deepEqual(diffs, []);
    } finally {
      ovs!.vsctl('remove', 'Open_vSwitch', '.', 'other_config', 'vlan-limit');
    }
  });

  it(`agrees on ${mutatedFramesCount} seeded mutations (seed ${seed})`, () => {
    const r = new SeededRandom(seed);
    const frames = namedFrames();
    const diffs: string[] = [];
    for (let i = 0; i < mutatedFramesCount; i++) {
      const [name, base] = r.pick(frames);
      const frame = mutate(r, base);
      const ours = extractFlowKey(frame, { in_port: 1 });
      if (!ours) {
        diffs.push(`#${i} from ${name}: we extracted nothing; OVS: ${[...ovsFlow(frame)].join(' ')}`);
        continue;
      }
      const d = compare(`#${i} from ${name} ${toHex(frame)}`, ours, ovsFlow(frame));
      diffs.push(...d);
    }
    assert.deepEqual(diffs, []);
  });
});
