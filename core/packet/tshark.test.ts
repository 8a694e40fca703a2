// Frames we build, written to a pcap file and decoded by tshark (the oracle): tshark must see the fields we
// meant, find every checksum good, and report nothing malformed. Set TSHARK_DUMP=1 to print tshark's fields.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { upstreamOrSkip } from '../../test-support/upstream';
import { buildFrame, type LayerSpec } from './build';
import { encodePcap } from './pcap';
import {
  arpRequest, dhcp4Discover, dnsQuery, geneveEncapsulate, icmp4Echo, icmp6Echo, neighborAdvertisement,
  neighborSolicitation, routerSolicitation,
} from './recipes';
import { dhcp4MessageTypes, dhcp4OptionCodes, dhcp4Ops, dhcp4Opt } from './dhcp4';
import { dhcp6MessageTypes, dhcp6OptionCodes, dhcp6Opt } from './dhcp6';
import { ovnGeneveOption } from './geneve';
import { tcpFlags, tcpOptionKinds } from './tcp';
import { ipv4OptionTypes } from './ipv4';
import { dhcp4Reply, dhcp6Reply, dnsResponse, icmp4Error, icmp6Error, routerAdvertisement } from './responder-recipes';
import { icmp4Types } from './icmp4';
import { icmp6Types } from './icmp6';

const A = { mac: '00:00:00:00:00:0a', ip: '10.0.0.10', ip6: 'fd00::a' };
const B = { mac: '00:00:00:00:00:0b', ip: '10.0.0.11', ip6: 'fd00::b' };
const e: LayerSpec = { kind: 'ethernet', src: A.mac, dst: B.mac };
const ab4 = { srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip };

interface Case {
  readonly name: string;
  readonly frame: Uint8Array;
  /** tshark field name → value that must be among the values tshark reports for it. */
  readonly expect: Record<string, string | string[]>;
}

const cases: Case[] = [
  {
    name: 'ARP request',
    frame: arpRequest({ srcMac: A.mac, srcIp: A.ip, targetIp: B.ip }),
    expect: { 'arp.opcode': '1', 'arp.src.proto_ipv4': A.ip, 'arp.dst.proto_ipv4': B.ip, 'arp.src.hw_mac': A.mac, 'eth.dst': 'ff:ff:ff:ff:ff:ff' },
  },
  {
    name: 'ICMP echo request on VLAN 42',
    frame: icmp4Echo({ ...ab4, vlan: 42, identifier: 0x1234, sequence: 7 }),
    expect: { 'vlan.id': '42', 'icmp.type': '8', 'icmp.ident': '4660', 'icmp.seq': '7', 'ip.flags.df': '1' },
  },
  {
    name: 'IPv4 with router alert option, UDP',
    frame: buildFrame([e, { kind: 'ipv4', src: A.ip, dst: B.ip, tos: 0xb8, options: [{ type: ipv4OptionTypes.routerAlert, data: new Uint8Array(2) }] }, { kind: 'udp', srcPort: 1000, dstPort: 2000 }, { kind: 'raw', bytes: new Uint8Array([1, 2, 3]) }]),
    expect: { 'ip.hdr_len': '24', 'ip.opt.type': '148', 'ip.dsfield.dscp': '46', 'udp.srcport': '1000', 'udp.length': '11' },
  },
  {
    name: 'TCP SYN with options',
    frame: buildFrame([e, { kind: 'ipv4', src: A.ip, dst: B.ip }, { kind: 'tcp', srcPort: 40000, dstPort: 80, seq: 1000, flags: tcpFlags.syn, options: [{ kind: tcpOptionKinds.mss, data: new Uint8Array([5, 0xb4]) }, { kind: tcpOptionKinds.windowScale, data: new Uint8Array([7]) }] }]),
    expect: { 'tcp.flags.syn': '1', 'tcp.options.mss_val': '1460', 'tcp.options.wscale.shift': '7', 'tcp.dstport': '80' },
  },
  {
    name: 'SCTP INIT',
    frame: buildFrame([e, { kind: 'ipv4', src: A.ip, dst: B.ip }, { kind: 'sctp', srcPort: 5000, dstPort: 5001, chunks: [{ type: 1, flags: 0, value: new Uint8Array([0, 0, 0, 9, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1]) }] }]),
    expect: { 'sctp.srcport': '5000', 'sctp.chunk_type': '1', 'sctp.init_initiate_tag': '0x00000009' },
  },
  {
    name: 'DHCP discover',
    frame: dhcp4Discover({ mac: A.mac, xid: 0x1234abcd, hostname: 'vm-a' }),
    expect: { 'dhcp.option.dhcp': '1', 'dhcp.option.hostname': 'vm-a', 'dhcp.id': '0x1234abcd', 'dhcp.hw.mac_addr': A.mac, 'dhcp.cookie': '99.130.83.99', 'udp.dstport': '67' },
  },
  {
    name: 'DHCP offer',
    frame: buildFrame([e, { kind: 'ipv4', src: B.ip, dst: '10.0.0.50' }, { kind: 'udp' }, {
      kind: 'dhcp4', op: dhcp4Ops.reply, xid: 7, chaddr: A.mac, yiaddr: '10.0.0.50', options: [
        dhcp4Opt.messageType(dhcp4MessageTypes.offer), dhcp4Opt.ipv4(dhcp4OptionCodes.serverId, B.ip),
        dhcp4Opt.u32(dhcp4OptionCodes.leaseTime, 3600), dhcp4Opt.ipv4(dhcp4OptionCodes.subnetMask, '255.255.255.0'),
        dhcp4Opt.ipv4List(dhcp4OptionCodes.router, ['10.0.0.1']), dhcp4Opt.ipv4List(dhcp4OptionCodes.dnsServers, ['8.8.8.8', '1.1.1.1']),
        dhcp4Opt.u16(dhcp4OptionCodes.interfaceMtu, 1442),
      ],
    }]),
    expect: {
      'dhcp.option.dhcp': '2', 'dhcp.ip.your': '10.0.0.50', 'dhcp.option.ip_address_lease_time': '3600',
      'dhcp.option.domain_name_server': ['8.8.8.8', '1.1.1.1'], 'dhcp.option.router': '10.0.0.1',
      'dhcp.option.subnet_mask': '255.255.255.0', 'dhcp.option.interface_mtu': '1442', 'udp.srcport': '67',
    },
  },
  {
    name: 'DHCPv6 solicit',
    frame: buildFrame([{ kind: 'ethernet', src: A.mac, dst: '33:33:00:01:00:02' }, { kind: 'ipv6', src: 'fe80::a', dst: 'ff02::1:2' }, { kind: 'udp' }, {
      kind: 'dhcp6', msgType: dhcp6MessageTypes.solicit, transactionId: 0x123456, options: [
        dhcp6Opt.duidLl(dhcp6OptionCodes.clientId, A.mac), dhcp6Opt.elapsedTime(0), dhcp6Opt.iaNa(1, 0, 0),
        dhcp6Opt.oro([dhcp6OptionCodes.dnsServers]),
      ],
    }]),
    expect: { 'dhcpv6.msgtype': '1', 'dhcpv6.xid': '0x123456', 'dhcpv6.duidll.link_layer_addr': A.mac, 'dhcpv6.iaid': '00000001', 'udp.dstport': '547' },
  },
  {
    name: 'DNS query',
    frame: dnsQuery({ ...ab4, id: 99, name: 'vm-b.example.org' }),
    expect: { 'dns.qry.name': 'vm-b.example.org', 'dns.id': '0x0063', 'dns.flags.response': '0', 'dns.qry.type': '1' },
  },
  {
    name: 'DNS response with A, AAAA, CNAME, PTR',
    frame: buildFrame([e, { kind: 'ipv4', src: B.ip, dst: A.ip }, { kind: 'udp' }, {
      kind: 'dns', id: 99, flags: { qr: true, ra: true }, questions: [{ name: 'www.example.org', type: 1 }],
      answers: [
        { name: 'www.example.org', ttl: 30, rdata: { kind: 'cname', name: 'vm-b.example.org' } },
        { name: 'vm-b.example.org', ttl: 30, rdata: { kind: 'a', address: B.ip } },
        { name: 'vm-b.example.org', ttl: 30, rdata: { kind: 'aaaa', address: B.ip6 } },
        { name: '11.0.0.10.in-addr.arpa', ttl: 30, rdata: { kind: 'ptr', name: 'vm-b.example.org' } },
      ],
    }]),
    expect: { 'dns.a': B.ip, 'dns.aaaa': B.ip6, 'dns.cname': 'vm-b.example.org', 'dns.ptr.domain_name': 'vm-b.example.org', 'dns.count.answers': '4', 'dns.resp.ttl': '30' },
  },
  {
    name: 'Geneve with OVN option around an ICMP echo',
    frame: geneveEncapsulate({
      srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02', srcIp: '192.168.0.1', dstIp: '192.168.0.2', srcPort: 54321,
      vni: 0x10005, ports: { ingressPort: 3, egressPort: 0x8001 }, inner: icmp4Echo({ ...ab4, identifier: 1, sequence: 1 }),
    }),
    expect: {
      'udp.dstport': '6081', 'geneve.vni': '0x010005', 'geneve.option.class': '0x0102', 'geneve.option.type': '0x80',
      'geneve.option.type.critical': '1', 'geneve.option.unknown.data': '00:03:80:01', 'geneve.proto_type': '0x6558',
      'ip.src': ['192.168.0.1', A.ip], 'icmp.type': '8',
    },
  },
  {
    name: 'Geneve over IPv6 with OVN option and a UDP checksum',
    frame: buildFrame([
      { kind: 'ethernet', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }, { kind: 'ipv6', src: 'fd01::1', dst: 'fd01::2' },
      { kind: 'udp' }, { kind: 'geneve', vni: 9, options: [ovnGeneveOption({ ingressPort: 1, egressPort: 2 })] },
      { kind: 'raw', bytes: arpRequest({ srcMac: A.mac, srcIp: A.ip, targetIp: B.ip }) },
    ]),
    expect: { 'geneve.vni': '0x000009', 'geneve.option.unknown.data': '00:01:00:02', 'arp.opcode': '1' },
  },
  {
    name: 'ICMPv6 echo',
    frame: icmp6Echo({ srcMac: A.mac, dstMac: B.mac, srcIp: A.ip6, dstIp: B.ip6, identifier: 5, sequence: 6 }),
    expect: { 'icmpv6.type': '128', 'icmpv6.echo.identifier': '0x0005', 'icmpv6.echo.sequence_number': '6' },
  },
  {
    name: 'Neighbor solicitation',
    frame: neighborSolicitation({ srcMac: A.mac, srcIp: 'fe80::a', targetIp: 'fe80::b' }),
    expect: { 'icmpv6.type': '135', 'icmpv6.nd.ns.target_address': 'fe80::b', 'icmpv6.opt.src_linkaddr': A.mac, 'ipv6.dst': 'ff02::1:ff00:b' },
  },
  {
    name: 'Neighbor advertisement',
    frame: neighborAdvertisement({ srcMac: B.mac, srcIp: 'fe80::b', dstMac: A.mac, dstIp: 'fe80::a', router: true }),
    expect: { 'icmpv6.type': '136', 'icmpv6.nd.na.target_address': 'fe80::b', 'icmpv6.opt.target_linkaddr': B.mac, 'icmpv6.nd.na.flag.r': '1', 'icmpv6.nd.na.flag.s': '1' },
  },
  {
    name: 'Router solicitation',
    frame: routerSolicitation({ srcMac: A.mac, srcIp: 'fe80::a' }),
    expect: { 'icmpv6.type': '133', 'icmpv6.opt.src_linkaddr': A.mac },
  },
  {
    name: 'Router advertisement with prefix and MTU',
    frame: buildFrame([{ kind: 'ethernet', src: B.mac, dst: '33:33:00:00:00:01' }, { kind: 'ipv6', src: 'fe80::b', dst: 'ff02::1', hopLimit: 255 }, {
      kind: 'icmp6', message: {
        kind: 'ra', managed: true, routerLifetime: 1800,
        options: [{ kind: 'sll', mac: B.mac }, { kind: 'mtu', mtu: 1442 }, { kind: 'prefix', prefix: 'fd00::', prefixLength: 64, validLifetime: 86400, preferredLifetime: 14400 }],
      },
    }]),
    expect: {
      'icmpv6.type': '134', 'icmpv6.nd.ra.flag.m': '1', 'icmpv6.nd.ra.router_lifetime': '1800', 'icmpv6.opt.mtu': '1442',
      'icmpv6.opt.prefix': 'fd00::', 'icmpv6.opt.prefix.length': '64', 'icmpv6.opt.prefix.valid_lifetime': '86400', 'icmpv6.opt.prefix.flag.a': '1',
    },
  },
  {
    name: 'MLDv2 report',
    frame: buildFrame([{ kind: 'ethernet', src: A.mac, dst: '33:33:00:00:00:16' }, { kind: 'ipv6', src: 'fe80::a', dst: 'ff02::16', hopLimit: 1, extensions: [{ type: 0, options: new Uint8Array([5, 2, 0, 0]) }] }, {
      kind: 'icmp6', message: { kind: 'mld2-report', records: [{ recordType: 4, multicastAddress: 'ff05::1:3' }] },
    }]),
    expect: { 'icmpv6.type': '143', 'icmpv6.mldr.nb_mcast_records': '1', 'icmpv6.mldr.mar.multicast_address': 'ff05::1:3', 'ipv6.hopopts.nxt': '58' },
  },
  {
    name: 'IPv6 with routing, destination options and first fragment, then UDP',
    frame: buildFrame([e, { kind: 'ipv6', src: A.ip6, dst: B.ip6, flowLabel: 0x12345, extensions: [{ type: 43, routingType: 0, segmentsLeft: 0 }, { type: 60 }, { type: 44, offset: 0, moreFragments: false, identification: 42 }] }, { kind: 'udp', srcPort: 7, dstPort: 7 }, { kind: 'raw', bytes: new Uint8Array(5) }]),
    expect: { 'ipv6.flow': '0x012345', 'ipv6.fraghdr.ident': '0x0000002a', 'ipv6.routing.type': '0', 'udp.dstport': '7', 'ipv6.dstopts.nxt': '44' },
  },
  {
    name: 'DHCP ACK (responder recipe)',
    frame: dhcp4Reply({
      serverMac: B.mac, serverIp: '10.0.0.1', clientMac: A.mac, xid: 0x42, messageType: dhcp4MessageTypes.ack,
      yiaddr: A.ip, subnetMask: '255.255.255.0', router: '10.0.0.1', dnsServers: ['10.0.0.1'], mtu: 1442, domainName: 'ovn.test',
    }),
    expect: {
      'dhcp.option.dhcp': '5', 'dhcp.ip.your': A.ip, 'dhcp.option.dhcp_server_id': '10.0.0.1', 'dhcp.option.domain_name': 'ovn.test',
      'dhcp.option.interface_mtu': '1442', 'eth.dst': A.mac, 'ip.dst': A.ip,
    },
  },
  {
    name: 'DHCPv6 reply (responder recipe)',
    frame: dhcp6Reply({
      serverMac: B.mac, serverIp: 'fe80::b', clientMac: A.mac, clientIp: 'fe80::a', msgType: dhcp6MessageTypes.reply,
      transactionId: 0x10203, clientDuid: new Uint8Array([0, 3, 0, 1, 0, 0, 0, 0, 0, 0x0a]), iaid: 7, address: 'fd00::a', dnsServers: ['fd00::1'],
    }),
    expect: { 'dhcpv6.msgtype': '7', 'dhcpv6.iaaddr.ip': 'fd00::a', 'dhcpv6.dns_server': 'fd00::1', 'dhcpv6.iaid': '00000007', 'udp.srcport': '547' },
  },
  {
    name: 'Router advertisement (responder recipe)',
    frame: routerAdvertisement({ routerMac: B.mac, routerIp: 'fe80::b', prefixes: [{ prefix: 'fd00::', length: 64 }], mtu: 1400, other: true }),
    expect: { 'icmpv6.type': '134', 'icmpv6.opt.prefix': 'fd00::', 'icmpv6.opt.mtu': '1400', 'icmpv6.nd.ra.flag.o': '1', 'ipv6.hlim': '255' },
  },
  {
    name: 'DNS response (responder recipe)',
    frame: dnsResponse({
      serverMac: B.mac, serverIp: B.ip, clientMac: A.mac, clientIp: A.ip, clientPort: 40000, id: 9,
      question: { name: 'vm.ovn.test', type: 1 }, answers: [{ name: 'vm.ovn.test', ttl: 60, rdata: { kind: 'a', address: '10.0.0.99' } }],
    }),
    expect: { 'dns.a': '10.0.0.99', 'dns.flags.authoritative': '1', 'udp.dstport': '40000', 'dns.flags.response': '1' },
  },
  {
    name: 'ICMP fragmentation needed quoting a TCP segment (responder recipe)',
    frame: icmp4Error({
      original: buildFrame([e, { kind: 'ipv4', src: A.ip, dst: '192.0.2.9', dontFragment: true }, { kind: 'tcp', srcPort: 5555, dstPort: 443, flags: tcpFlags.ack }, { kind: 'raw', bytes: new Uint8Array(1400) }]),
      routerMac: B.mac, routerIp: '10.0.0.1', type: icmp4Types.destinationUnreachable, code: 4, mtu: 1400,
    }),
    expect: { 'icmp.type': '3', 'icmp.code': '4', 'icmp.mtu': '1400', 'ip.dst': [A.ip, '192.0.2.9'], 'tcp.srcport': '5555' },
  },
  {
    name: 'ICMPv6 packet too big (responder recipe)',
    frame: icmp6Error({
      original: buildFrame([e, { kind: 'ipv6', src: A.ip6, dst: 'fd00::99' }, { kind: 'udp', srcPort: 7, dstPort: 9 }, { kind: 'raw', bytes: new Uint8Array(1500) }]),
      routerMac: B.mac, routerIp: 'fd00::1', type: icmp6Types.packetTooBig, code: 0, mtu: 1400,
    }),
    expect: { 'icmpv6.type': '2', 'icmpv6.mtu': '1400', 'ipv6.dst': [A.ip6, 'fd00::99'] },
  },
];

type Fields = Map<string, string[]>;

/** Flattens tshark's JSON tree into field name → all values seen (in any subtree, any layer). */
function flatten(node: unknown, out: Fields): Fields {
  if (Array.isArray(node)) {
    for (const x of node) flatten(x, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (typeof v === 'string') out.set(key, [...(out.get(key) ?? []), v]);
        else flatten(v, out);
      }
    }
  }
  return out;
}

/** What tshark disagrees with: missing expected values, checksums not good, malformed packets, warnings. */
function problemsOf(f: Fields, expect: Case['expect']): string[] {
  const problems: string[] = [];
  for (const [field, want] of Object.entries(expect)) {
    const got = f.get(field) ?? [];
    for (const w of Array.isArray(want) ? want : [want]) {
      if (!got.includes(w)) problems.push(`${field}: want ${w}, tshark has [${got.join(', ')}]`);
    }
  }
  for (const [field, values] of f) {
    if (field.startsWith('_ws.malformed')) problems.push(`malformed: ${field}`);
    // 1 = good, 0 = bad, 2 = unverified (e.g. a checksum of 0, or a truncated packet quoted in an ICMP error).
    if (/checksum[._]status$/.test(field) && values.some((v) => v === '0')) problems.push(`${field} = ${values.join(',')} (1 = good)`);
    if (field === '_ws.expert.severity' && values.some((v) => Number(v) >= expertWarnSeverity)) {
      problems.push(`expert warning/error: ${(f.get('_ws.expert.message') ?? []).join(' | ')}`);
    }
  }
  return problems;
}

/** Wireshark's PI_WARN; PI_NOTE and PI_CHAT (e.g. "SYN") are fine. */
const expertWarnSeverity = 0x00600000;

function brokenFrames(): Uint8Array[] {
  const badChecksum = buildFrame([e, { kind: 'ipv4', src: A.ip, dst: B.ip }, { kind: 'udp', srcPort: 1, dstPort: 2, checksum: 0x1234 }, { kind: 'raw', bytes: new Uint8Array(4) }]);
  const discover = dhcp4Discover({ mac: A.mac, xid: 1 });
  // Cut inside the BOOTP header but fix the IP and UDP lengths so only DHCP is short.
  const cut = discover.slice(0, 14 + 20 + 8 + 100);
  const fixed = buildFrame([{ kind: 'ethernet', src: A.mac, dst: B.mac }, { kind: 'ipv4', src: '0.0.0.0', dst: '255.255.255.255' }, { kind: 'udp', srcPort: 68, dstPort: 67 }, { kind: 'raw', bytes: cut.subarray(42) }]);
  return [badChecksum, fixed];
}

describe('packet frames decoded by tshark', function () {
  let dir = '';
  let decoded: Fields[] = [];

  before(function () {
    upstreamOrSkip(this, 'tshark');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'packet-tshark-'));
    const file = path.join(dir, 'frames.pcap');
    const frames = [...cases.map((c) => c.frame), ...brokenFrames()];
    fs.writeFileSync(file, encodePcap(frames.map((frame, i) => ({ timeMicros: i * 1000, frame }))));
    const json = execFileSync('tshark', [
      '-r', file, '-T', 'json', '--no-duplicate-keys',
      '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
      '-o', 'sctp.checksum:CRC 32c',
    ], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    const packets = JSON.parse(json) as Array<{ _source: { layers: unknown } }>;
    decoded = packets.map((p) => flatten(p._source.layers, new Map()));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('decodes one packet per frame', () => {
    assert.equal(decoded.length, cases.length + brokenFrames().length);
  });

  cases.forEach((c, i) => {
    it(`${c.name}: fields, good checksums, nothing malformed`, () => {
      const f = decoded[i]!;
      if (process.env.TSHARK_DUMP) console.log(c.name, f);
      const verified = [...f].filter(([k, v]) => /checksum[._]status$/.test(k) && v.includes('1'));
      assert.ok(verified.length > 0 || c.name.startsWith('ARP'), `no checksum was verified for ${c.name}`);
      assert.deepEqual(problemsOf(f, c.expect), []);
    });
  });

  it('flags deliberately broken frames (the checks themselves work)', () => {
    const [badChecksum, truncated] = decoded.slice(cases.length);
    const p1 = problemsOf(badChecksum!, {});
    assert.ok(p1.includes('udp.checksum.status = 0 (1 = good)'), p1.join('; '));
    // tshark's idea of the right checksum is ours too.
    const good = (badChecksum!.get('udp.checksum_calculated') ?? [])[0];
    const ours = buildFrame([e, { kind: 'ipv4', src: A.ip, dst: B.ip }, { kind: 'udp', srcPort: 1, dstPort: 2 }, { kind: 'raw', bytes: new Uint8Array(4) }]);
    assert.equal(good, `0x${((ours[40]! << 8) | ours[41]!).toString(16).padStart(4, '0')}`);
    const p = problemsOf(truncated!, { 'dhcp.option.dhcp': '1' });
    assert.ok(p.some((x) => x.startsWith('malformed')), p.join('; '));
  });
});
