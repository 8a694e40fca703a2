// Round trips: build a frame from specs, parse it strictly, and check every field came back.
import { strict as assert } from 'node:assert';
import { buildFrame, type LayerSpec } from './build';
import { parseFrame, type DecodedFrame } from './decode';
import { formatIpv4, formatIpv6, formatMac, parseIpv6Text } from './address';
import { ipv4OptionTypes } from './ipv4';
import { tcpFlags, tcpOptionKinds } from './tcp';
import { dhcp4Get, dhcp4MessageTypes, dhcp4OptionCodes, dhcp4Ops, dhcp4Opt, dhcp4Option } from './dhcp4';
import { dhcp6MessageTypes, dhcp6OptionCodes, dhcp6Opt, dhcp6Option, readDhcp6IaAddr, readDhcp6IaNa } from './dhcp6';
import { dnsTypes } from './dns';
import { ovnGeneveOption, readOvnTunnelPorts } from './geneve';
import { icmp4Echo } from './recipes';

const A = { mac: '00:00:00:00:00:0a', ip: '10.0.0.10', ip6: 'fd00::a' };
const B = { mac: '00:00:00:00:00:0b', ip: '10.0.0.11', ip6: 'fd00::b' };
const eth: LayerSpec = { kind: 'ethernet', src: A.mac, dst: B.mac };
const ip4: LayerSpec = { kind: 'ipv4', src: A.ip, dst: B.ip };
const ip6: LayerSpec = { kind: 'ipv6', src: A.ip6, dst: B.ip6 };

function roundTrip(layers: LayerSpec[]): DecodedFrame {
  const r = parseFrame(buildFrame(layers));
  if (!r.ok) assert.fail(`parse failed: ${r.error.message}`);
  return r.value;
}

describe('packet codecs round trip', () => {
  it('Ethernet with two VLAN tags', () => {
    const d = roundTrip([
      { kind: 'ethernet', src: A.mac, dst: B.mac, vlans: [{ vid: 100, pcp: 5, tpid: 0x88a8 }, { vid: 4095, dei: 1 }] },
      { kind: 'arp', op: 1, sha: A.mac, spa: A.ip, tpa: B.ip },
    ]);
    assert.equal(formatMac(d.eth.src), A.mac);
    assert.equal(formatMac(d.eth.dst), B.mac);
    assert.deepEqual(d.eth.vlans, [{ tpid: 0x88a8, pcp: 5, dei: 0, vid: 100 }, { tpid: 0x8100, pcp: 0, dei: 1, vid: 4095 }]);
    assert.equal(d.eth.ethType, 0x0806);
    assert.equal(d.eth.headerLength, 22);
  });

  it('ARP reply', () => {
    const d = roundTrip([eth, { kind: 'arp', op: 2, sha: A.mac, spa: A.ip, tha: B.mac, tpa: B.ip }]);
    assert.ok(d.l3?.kind === 'arp');
    assert.equal(d.l3.op, 2);
    assert.equal(formatMac(d.l3.sha), A.mac);
    assert.equal(formatMac(d.l3.tha), B.mac);
    assert.equal(formatIpv4(d.l3.spa), A.ip);
    assert.equal(formatIpv4(d.l3.tpa), B.ip);
  });

  it('IPv4 with options and fragment fields', () => {
    const d = roundTrip([
      eth,
      {
        kind: 'ipv4', src: A.ip, dst: B.ip, ttl: 7, tos: 0xb9, identification: 0xbeef, moreFragments: true,
        fragmentOffset: 0, options: [{ type: ipv4OptionTypes.routerAlert, data: new Uint8Array([0, 0]) }, { type: ipv4OptionTypes.nop, data: new Uint8Array(0) }],
      },
      { kind: 'udp', srcPort: 1, dstPort: 2 },
      { kind: 'raw', bytes: new Uint8Array([1, 2, 3]) },
    ]);
    assert.ok(d.l3?.kind === 'ipv4');
    assert.equal(d.l3.headerLength, 28);
    assert.equal(d.l3.ttl, 7);
    assert.equal(d.l3.tos, 0xb9);
    assert.equal(d.l3.identification, 0xbeef);
    assert.equal(d.l3.moreFragments, true);
    assert.equal(d.l3.dontFragment, false);
    assert.equal(d.l3.checksumValid, true);
    assert.deepEqual(d.l3.options.map((o) => o.type), [ipv4OptionTypes.routerAlert, ipv4OptionTypes.nop]);
    assert.ok(d.l4?.kind === 'udp');
    assert.deepEqual([...d.l4.payload], [1, 2, 3]);
  });

  it('IPv4 later fragment carries no L4 header', () => {
    const d = roundTrip([eth, { kind: 'ipv4', src: A.ip, dst: B.ip, protocol: 17, fragmentOffset: 185 }, { kind: 'raw', bytes: new Uint8Array(8).fill(0xee) }]);
    assert.ok(d.l3?.kind === 'ipv4');
    assert.equal(d.l3.fragmentOffset, 185);
    assert.equal(d.l4, undefined);
  });

  it('ICMPv4 echo', () => {
    const d = parseFrame(icmp4Echo({ srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip, identifier: 0x1234, sequence: 9 }));
    assert.ok(d.ok && d.value.l4?.kind === 'icmp4');
    assert.deepEqual(d.value.l4.echo, { identifier: 0x1234, sequence: 9 });
    assert.equal(d.value.l4.type, 8);
    assert.equal(d.value.l4.body.length, 56);
  });

  it('IPv6 with hop-by-hop, routing, destination options and first fragment, then TCP', () => {
    const d = roundTrip([
      eth,
      {
        kind: 'ipv6', src: A.ip6, dst: B.ip6, trafficClass: 0x2d, flowLabel: 0xabcde, hopLimit: 3,
        extensions: [
          { type: 0, options: new Uint8Array([5, 2, 0, 0]) }, // router alert
          { type: 43, routingType: 4, segmentsLeft: 0 },
          { type: 60 },
          { type: 44, offset: 0, moreFragments: true, identification: 0xdeadbeef },
        ],
      },
      { kind: 'tcp', srcPort: 40000, dstPort: 22, seq: 1, ack: 2, flags: tcpFlags.syn | tcpFlags.ack, options: [{ kind: tcpOptionKinds.mss, data: new Uint8Array([5, 0xb4]) }] },
      { kind: 'raw', bytes: new TextEncoder().encode('hello') },
    ]);
    assert.ok(d.l3?.kind === 'ipv6');
    assert.equal(d.l3.trafficClass, 0x2d);
    assert.equal(d.l3.flowLabel, 0xabcde);
    assert.equal(d.l3.hopLimit, 3);
    assert.deepEqual(d.l3.extensions.map((e) => e.type), [0, 43, 60, 44]);
    assert.deepEqual(d.l3.fragment, { offset: 0, moreFragments: true, identification: 0xdeadbeef });
    assert.equal(d.l3.protocol, 6);
    assert.ok(d.l4?.kind === 'tcp');
    assert.equal(d.l4.flags, 0x12);
    assert.equal(d.l4.checksumValid, true);
    assert.deepEqual(d.l4.options, [{ kind: 2, data: new Uint8Array([5, 0xb4]) }]);
    assert.equal(new TextDecoder().decode(d.l4.payload), 'hello');
  });

  it('ICMPv6 NS/NA/RS/RA with options', () => {
    const ns = roundTrip([eth, ip6, { kind: 'icmp6', message: { kind: 'ns', target: B.ip6, options: [{ kind: 'sll', mac: A.mac }] } }]);
    assert.ok(ns.l4?.kind === 'icmp6' && ns.l4.message.kind === 'ns');
    assert.equal(formatIpv6(ns.l4.message.target), 'fd00::b');
    assert.deepEqual(ns.l4.message.options, [{ kind: 'sll', mac: parseMac(A.mac) }]);

    const na = roundTrip([eth, ip6, { kind: 'icmp6', message: { kind: 'na', target: A.ip6, router: true, solicited: true, override: false, options: [{ kind: 'tll', mac: A.mac }] } }]);
    assert.ok(na.l4?.kind === 'icmp6' && na.l4.message.kind === 'na');
    assert.deepEqual([na.l4.message.router, na.l4.message.solicited, na.l4.message.override], [true, true, false]);

    const rs = roundTrip([eth, ip6, { kind: 'icmp6', message: { kind: 'rs', options: [{ kind: 'sll', mac: A.mac }] } }]);
    assert.ok(rs.l4?.kind === 'icmp6' && rs.l4.message.kind === 'rs');
    assert.equal(rs.l4.message.options.length, 1);

    const ra = roundTrip([eth, ip6, {
      kind: 'icmp6',
      message: {
        kind: 'ra', curHopLimit: 255, managed: true, routerLifetime: 300, reachableTime: 1000, retransTimer: 2,
        options: [{ kind: 'sll', mac: B.mac }, { kind: 'mtu', mtu: 1442 }, { kind: 'prefix', prefix: 'fd00::', prefixLength: 64, validLifetime: 7, preferredLifetime: 6, autonomous: false }],
      },
    }]);
    assert.ok(ra.l4?.kind === 'icmp6' && ra.l4.message.kind === 'ra');
    const m = ra.l4.message;
    assert.deepEqual([m.curHopLimit, m.managed, m.other, m.routerLifetime, m.reachableTime, m.retransTimer], [255, true, false, 300, 1000, 2]);
    assert.deepEqual(m.options[1], { kind: 'mtu', mtu: 1442 });
    assert.deepEqual(m.options[2], {
      kind: 'prefix', prefixLength: 64, onLink: true, autonomous: false, validLifetime: 7, preferredLifetime: 6, prefix: parseIpv6Text('fd00::'),
    });
  });

  it('MLDv1 report and MLDv2 report', () => {
    const v1 = roundTrip([eth, ip6, { kind: 'icmp6', message: { kind: 'mld-report', multicastAddress: 'ff05::2' } }]);
    assert.ok(v1.l4?.kind === 'icmp6' && v1.l4.message.kind === 'mld');
    assert.equal(formatIpv6(v1.l4.message.multicastAddress), 'ff05::2');
    const v2 = roundTrip([eth, ip6, {
      kind: 'icmp6', message: { kind: 'mld2-report', records: [{ recordType: 4, multicastAddress: 'ff05::3', sources: ['fd00::1', 'fd00::2'] }] },
    }]);
    assert.ok(v2.l4?.kind === 'icmp6' && v2.l4.message.kind === 'mld2-report');
    assert.equal(v2.l4.message.records[0]!.recordType, 4);
    assert.deepEqual(v2.l4.message.records[0]!.sources.map(formatIpv6), ['fd00::1', 'fd00::2']);
  });

  it('UDP over IPv6 and SCTP over IPv4', () => {
    const u = roundTrip([eth, ip6, { kind: 'udp', srcPort: 5353, dstPort: 5353 }, { kind: 'raw', bytes: new Uint8Array([9]) }]);
    assert.ok(u.l4?.kind === 'udp');
    assert.deepEqual([u.l4.srcPort, u.l4.dstPort, u.l4.length, u.l4.checksumValid], [5353, 5353, 9, true]);
    const s = roundTrip([eth, ip4, { kind: 'sctp', srcPort: 7, dstPort: 9, verificationTag: 0x01020304, chunks: [{ type: 0, flags: 3, value: new Uint8Array([1, 2, 3, 4, 5]) }, { type: 4, flags: 0, value: new Uint8Array(4) }] }]);
    assert.ok(s.l4?.kind === 'sctp');
    assert.equal(s.l4.verificationTag, 0x01020304);
    assert.equal(s.l4.checksumValid, true);
    assert.deepEqual(s.l4.chunks.map((c) => [c.type, c.flags, c.value.length]), [[0, 3, 5], [4, 0, 4]]);
  });

  it('DHCPv4 offer', () => {
    const d = roundTrip([eth, ip4, { kind: 'udp' }, {
      kind: 'dhcp4', op: dhcp4Ops.reply, xid: 0xcafe, chaddr: B.mac, yiaddr: '10.0.0.50', siaddr: A.ip,
      options: [
        dhcp4Opt.messageType(dhcp4MessageTypes.offer), dhcp4Opt.ipv4(dhcp4OptionCodes.serverId, A.ip),
        dhcp4Opt.u32(dhcp4OptionCodes.leaseTime, 3600), dhcp4Opt.ipv4List(dhcp4OptionCodes.dnsServers, ['8.8.8.8', '1.1.1.1']),
        dhcp4Opt.text(dhcp4OptionCodes.domainName, 'example.org'),
      ],
    }]);
    assert.ok(d.l4?.kind === 'udp');
    assert.deepEqual([d.l4.srcPort, d.l4.dstPort], [67, 68]);
    assert.ok(d.app?.kind === 'dhcp4');
    assert.equal(d.app.messageType, dhcp4MessageTypes.offer);
    assert.equal(d.app.xid, 0xcafe);
    assert.equal(formatIpv4(d.app.yiaddr), '10.0.0.50');
    assert.equal(formatMac(d.app.chaddr), B.mac);
    assert.deepEqual([...dhcp4Option(d.app, dhcp4OptionCodes.dnsServers)!], [8, 8, 8, 8, 1, 1, 1, 1]);
    assert.deepEqual(dhcp4Get.ipv4List(d.app, dhcp4OptionCodes.dnsServers)?.map(formatIpv4), ['8.8.8.8', '1.1.1.1']);
    assert.equal(dhcp4Get.u32(d.app, dhcp4OptionCodes.leaseTime), 3600);
    assert.equal(formatIpv4(dhcp4Get.ipv4(d.app, dhcp4OptionCodes.serverId)!), A.ip);
    assert.equal(dhcp4Get.text(d.app, dhcp4OptionCodes.domainName), 'example.org');
    assert.equal(dhcp4Get.u16(d.app, dhcp4OptionCodes.leaseTime), undefined, 'wrong size reads as absent');
    assert.equal(dhcp4Get.ipv4(d.app, dhcp4OptionCodes.router), undefined);
    assert.equal(new TextDecoder().decode(dhcp4Option(d.app, dhcp4OptionCodes.domainName)), 'example.org');
  });

  it('DHCPv6 reply with IA_NA/IAADDR and a relay-forward', () => {
    const d = roundTrip([eth, ip6, { kind: 'udp' }, {
      kind: 'dhcp6', msgType: dhcp6MessageTypes.reply, transactionId: 0xabcdef,
      options: [
        dhcp6Opt.duidLl(dhcp6OptionCodes.clientId, B.mac), dhcp6Opt.duidLl(dhcp6OptionCodes.serverId, A.mac),
        dhcp6Opt.iaNa(1, 100, 200, [dhcp6Opt.iaAddr('fd00::50', 300, 400)]), dhcp6Opt.ipv6List(dhcp6OptionCodes.dnsServers, ['fd00::53']),
      ],
    }]);
    assert.ok(d.l4?.kind === 'udp');
    assert.deepEqual([d.l4.srcPort, d.l4.dstPort], [547, 546]);
    assert.ok(d.app?.kind === 'dhcp6');
    assert.equal(d.app.transactionId, 0xabcdef);
    const ia = readDhcp6IaNa(dhcp6Option(d.app, dhcp6OptionCodes.iaNa)!);
    assert.deepEqual([ia.iaid, ia.t1, ia.t2], [1, 100, 200]);
    const addr = readDhcp6IaAddr(ia.options[0]!.data);
    assert.equal(formatIpv6(addr.address), 'fd00::50');
    assert.deepEqual([addr.preferredLifetime, addr.validLifetime], [300, 400]);

    const relay = roundTrip([eth, ip6, { kind: 'udp' }, {
      kind: 'dhcp6', msgType: dhcp6MessageTypes.relayForward, relay: { hopCount: 1, linkAddress: 'fd00::1', peerAddress: 'fe80::2' },
      options: [{ code: dhcp6OptionCodes.relayMessage, data: new Uint8Array([1, 0, 0, 1]) }],
    }]);
    assert.ok(relay.app?.kind === 'dhcp6' && relay.app.relay);
    assert.equal(formatIpv6(relay.app.relay.peerAddress), 'fe80::2');
    assert.equal(relay.app.transactionId, undefined);
  });

  it('DNS response with A, AAAA, CNAME and PTR answers', () => {
    const d = roundTrip([eth, ip4, { kind: 'udp' }, {
      kind: 'dns', id: 77, flags: { qr: true, aa: true, ra: true },
      questions: [{ name: 'www.example.com', type: dnsTypes.a }],
      answers: [
        { name: 'www.example.com', ttl: 60, rdata: { kind: 'cname', name: 'web.example.com' } },
        { name: 'web.example.com', ttl: 60, rdata: { kind: 'a', address: '192.0.2.7' } },
        { name: 'web.example.com', ttl: 60, rdata: { kind: 'aaaa', address: '2001:db8::7' } },
        { name: '7.2.0.192.in-addr.arpa', ttl: 5, rdata: { kind: 'ptr', name: 'web.example.com' } },
      ],
    }]);
    assert.ok(d.l4?.kind === 'udp');
    assert.equal(d.l4.srcPort, 53);
    assert.ok(d.app?.kind === 'dns');
    assert.deepEqual(d.app.flags, { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode: 0 });
    assert.deepEqual(d.app.questions, [{ name: 'www.example.com', type: 1, class: 1 }]);
    const [cname, a, aaaa, ptr] = d.app.answers;
    assert.deepEqual(cname!.rdata, { kind: 'cname', name: 'web.example.com' });
    assert.ok(a!.rdata.kind === 'a' && formatIpv4(a!.rdata.address) === '192.0.2.7');
    assert.ok(aaaa!.rdata.kind === 'aaaa' && formatIpv6(aaaa!.rdata.address) === '2001:db8::7');
    assert.deepEqual(ptr!.rdata, { kind: 'ptr', name: 'web.example.com' });
    assert.equal(ptr!.ttl, 5);
  });

  it('Geneve with OVN option around an inner frame', () => {
    const inner = icmp4Echo({ srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip, identifier: 1, sequence: 2 });
    const d = roundTrip([
      { kind: 'ethernet', src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' },
      { kind: 'ipv4', src: '192.168.1.1', dst: '192.168.1.2' },
      { kind: 'udp', srcPort: 50000 },
      { kind: 'geneve', vni: 0xabcdef, options: [ovnGeneveOption({ ingressPort: 0x7fff, egressPort: 0xffff }), { optionClass: 0xffff, type: 1, data: new Uint8Array(8) }] },
      { kind: 'raw', bytes: inner },
    ]);
    assert.ok(d.l4?.kind === 'udp' && d.l4.dstPort === 6081);
    assert.ok(d.app?.kind === 'geneve');
    assert.equal(d.app.vni, 0xabcdef);
    assert.equal(d.app.critical, true);
    assert.equal(d.app.options.length, 2);
    assert.deepEqual(readOvnTunnelPorts(d.app), { ingressPort: 0x7fff, egressPort: 0xffff });
    assert.deepEqual([...d.app.options[0]!.data], [0x7f, 0xff, 0xff, 0xff]);
    assert.ok(d.inner?.l4?.kind === 'icmp4');
    assert.deepEqual(d.inner.l4.echo, { identifier: 1, sequence: 2 });
    assert.ok(d.inner.offsets.l3! > d.offsets.app!);
  });
});

function parseMac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((x) => parseInt(x, 16)));
}
