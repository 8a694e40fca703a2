// Every ready-made frame parses strictly (good checksums) and says what its recipe promises.
import { strict as assert } from 'node:assert';
import { parseFrame, type DecodedFrame } from './decode';
import { formatIpv4, formatIpv6, formatMac } from './address';
import {
  arpReply, arpRequest, dhcp4Discover, dhcp4Request, dnsQuery, geneveEncapsulate, icmp4Echo, icmp6Echo,
  neighborAdvertisement, neighborSolicitation, routerSolicitation, tcp4, udp4,
} from './recipes';
import { dhcp4Option, dhcp4OptionCodes } from './dhcp4';
import { readOvnTunnelPorts } from './geneve';
import { dhcp4Reply, dhcp6Reply, dnsResponse, icmp4Error, icmp6Error, routerAdvertisement } from './responder-recipes';
import { dhcp6MessageTypes, dhcp6Option, dhcp6OptionCodes, readDhcp6IaAddr, readDhcp6IaNa } from './dhcp6';
import { buildFrame } from './build';
import { parseIpv4, parseIpv6 } from './parse';

const A = { mac: '00:00:00:00:00:0a', ip: '10.0.0.10' };
const B = { mac: '00:00:00:00:00:0b', ip: '10.0.0.11' };
const ab = { srcMac: A.mac, dstMac: B.mac, srcIp: A.ip, dstIp: B.ip };

function strict(frame: Uint8Array): DecodedFrame {
  const r = parseFrame(frame);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

describe('packet/recipes', () => {
  it('ARP request and reply', () => {
    const req = strict(arpRequest({ srcMac: A.mac, srcIp: A.ip, targetIp: B.ip, vlan: 7 }));
    assert.equal(formatMac(req.eth.dst), 'ff:ff:ff:ff:ff:ff');
    assert.equal(req.eth.vlans[0]?.vid, 7);
    assert.ok(req.l3?.kind === 'arp' && req.l3.op === 1 && formatIpv4(req.l3.tpa) === B.ip);
    const rep = strict(arpReply({ srcMac: B.mac, srcIp: B.ip, dstMac: A.mac, dstIp: A.ip }));
    assert.ok(rep.l3?.kind === 'arp' && rep.l3.op === 2 && formatMac(rep.l3.tha) === A.mac);
  });

  it('ICMP echo request and reply, UDP and TCP over IPv4', () => {
    const reply = strict(icmp4Echo({ ...ab, identifier: 3, sequence: 4, reply: true, ttl: 9 }));
    assert.ok(reply.l3?.kind === 'ipv4' && reply.l3.ttl === 9);
    assert.ok(reply.l4?.kind === 'icmp4' && reply.l4.type === 0);
    const u = strict(udp4({ ...ab, srcPort: 1, dstPort: 2, data: new Uint8Array([7]) }));
    assert.ok(u.l4?.kind === 'udp' && u.l4.payload[0] === 7);
    const t = strict(tcp4({ ...ab, srcPort: 3, dstPort: 4, flags: 0x18, seq: 10, ack: 20, data: new Uint8Array(3) }));
    assert.ok(t.l4?.kind === 'tcp' && t.l4.seq === 10 && t.l4.ack === 20 && t.l4.payload.length === 3);
  });

  it('IPv6 echo and neighbor discovery', () => {
    const echo = strict(icmp6Echo({ srcMac: A.mac, dstMac: B.mac, srcIp: 'fd00::a', dstIp: 'fd00::b', identifier: 1, sequence: 2 }));
    assert.ok(echo.l4?.kind === 'icmp6' && echo.l4.type === 128);
    const ns = strict(neighborSolicitation({ srcMac: A.mac, srcIp: 'fe80::a', targetIp: 'fd00::1:b' }));
    assert.equal(formatMac(ns.eth.dst), '33:33:ff:01:00:0b');
    assert.ok(ns.l3?.kind === 'ipv6' && formatIpv6(ns.l3.dst) === 'ff02::1:ff01:b' && ns.l3.hopLimit === 255);
    const na = strict(neighborAdvertisement({ srcMac: B.mac, srcIp: 'fe80::b', dstMac: A.mac, dstIp: 'fe80::a' }));
    assert.ok(na.l4?.kind === 'icmp6' && na.l4.message.kind === 'na' && formatIpv6(na.l4.message.target) === 'fe80::b');
    const rs = strict(routerSolicitation({ srcMac: A.mac, srcIp: 'fe80::a' }));
    assert.ok(rs.l3?.kind === 'ipv6' && formatIpv6(rs.l3.dst) === 'ff02::2');
  });

  it('DHCP discover and request, DNS query', () => {
    const disc = strict(dhcp4Discover({ mac: A.mac, xid: 0x11, hostname: 'vm' }));
    assert.ok(disc.l3?.kind === 'ipv4' && formatIpv4(disc.l3.dst) === '255.255.255.255');
    assert.ok(disc.app?.kind === 'dhcp4' && disc.app.messageType === 1 && disc.app.xid === 0x11);
    const req = strict(dhcp4Request({ mac: A.mac, xid: 0x11, requestedIp: '10.0.0.50', serverId: B.ip }));
    assert.ok(req.app?.kind === 'dhcp4' && req.app.messageType === 3);
    assert.deepEqual([...dhcp4Option(req.app, dhcp4OptionCodes.requestedIp)!], [10, 0, 0, 50]);
    const q = strict(dnsQuery({ ...ab, id: 5, name: 'vm-b.example', type: 28 }));
    assert.ok(q.app?.kind === 'dns' && q.app.questions[0]?.type === 28 && q.app.questions[0]?.name === 'vm-b.example');
  });

  it('Geneve encapsulation carries the VNI, OVN port keys and the inner frame', () => {
    const inner = icmp4Echo({ ...ab, identifier: 1, sequence: 1 });
    const g = strict(geneveEncapsulate({ ...ab, srcPort: 40000, vni: 77, ports: { ingressPort: 12, egressPort: 34 }, inner }));
    assert.ok(g.l4?.kind === 'udp' && g.l4.srcPort === 40000 && g.l4.dstPort === 6081);
    assert.ok(g.app?.kind === 'geneve' && g.app.vni === 77);
    assert.deepEqual(readOvnTunnelPorts(g.app), { ingressPort: 12, egressPort: 34 });
    assert.ok(g.inner?.l4?.kind === 'icmp4');
  });

  it('DHCPv4 offer/ack/nak replies', () => {
    const base = { serverMac: B.mac, serverIp: B.ip, clientMac: A.mac, xid: 3, yiaddr: '10.0.0.77' };
    const ack = strict(dhcp4Reply({ ...base, messageType: 5, leaseTimeSeconds: 60, router: B.ip }));
    assert.ok(ack.l3?.kind === 'ipv4' && formatIpv4(ack.l3.dst) === '10.0.0.77' && formatMac(ack.eth.dst) === A.mac);
    assert.ok(ack.app?.kind === 'dhcp4' && ack.app.messageType === 5 && formatIpv4(ack.app.yiaddr) === '10.0.0.77');
    assert.deepEqual([...dhcp4Option(ack.app, dhcp4OptionCodes.leaseTime)!], [0, 0, 0, 60]);
    const bcast = strict(dhcp4Reply({ ...base, messageType: 2, broadcast: true }));
    assert.ok(bcast.app?.kind === 'dhcp4' && bcast.app.flags === 0x8000 && formatMac(bcast.eth.dst) === 'ff:ff:ff:ff:ff:ff');
    const nak = strict(dhcp4Reply({ ...base, messageType: 6 }));
    assert.ok(nak.app?.kind === 'dhcp4' && nak.app.yiaddr === 0 && dhcp4Option(nak.app, dhcp4OptionCodes.leaseTime) === undefined);
  });

  it('DHCPv6 reply echoes the client DUID and assigns the address', () => {
    const duid = new Uint8Array([0, 3, 0, 1, 0, 0, 0, 0, 0, 0x0a]);
    const r = strict(dhcp6Reply({
      serverMac: B.mac, serverIp: 'fe80::b', clientMac: A.mac, clientIp: 'fe80::a', msgType: dhcp6MessageTypes.advertise,
      transactionId: 0xabc, clientDuid: duid, iaid: 9, address: 'fd00::a',
    }));
    assert.ok(r.app?.kind === 'dhcp6' && r.app.msgType === 2 && r.app.transactionId === 0xabc);
    assert.deepEqual(dhcp6Option(r.app, dhcp6OptionCodes.clientId), duid);
    const ia = readDhcp6IaNa(dhcp6Option(r.app, dhcp6OptionCodes.iaNa)!);
    assert.equal(ia.iaid, 9);
    assert.equal(formatIpv6(readDhcp6IaAddr(ia.options[0]!.data).address), 'fd00::a');
  });

  it('router advertisement and DNS response', () => {
    const ra = strict(routerAdvertisement({ routerMac: B.mac, routerIp: 'fe80::b', prefixes: [{ prefix: 'fd00:1::', length: 64 }], mtu: 1400 }));
    assert.ok(ra.l4?.kind === 'icmp6' && ra.l4.message.kind === 'ra');
    assert.deepEqual(ra.l4.message.options.map((o) => o.kind), ['sll', 'mtu', 'prefix']);
    const dns = strict(dnsResponse({
      serverMac: B.mac, serverIp: B.ip, clientMac: A.mac, clientIp: A.ip, clientPort: 33333, id: 4,
      question: { name: 'x.test', type: 1 }, answers: [], rcode: 3,
    }));
    assert.ok(dns.app?.kind === 'dns' && dns.app.flags.rcode === 3 && dns.app.flags.qr);
  });

  it('ICMP errors quote the offending packet and go back to its sender', () => {
    const original = udp4({ ...ab, srcPort: 1000, dstPort: 2000, data: new Uint8Array(100) });
    const err = strict(icmp4Error({ original, routerMac: '00:00:00:00:00:ff', routerIp: '10.0.0.254', type: 11, code: 0 }));
    assert.ok(err.l3?.kind === 'ipv4' && formatIpv4(err.l3.dst) === A.ip && formatMac(err.eth.dst) === A.mac);
    assert.ok(err.l4?.kind === 'icmp4' && err.l4.type === 11);
    assert.equal(err.l4.body.length, 20 + 8);
    const quoted = parseIpv4(err.l4.body);
    assert.ok(!quoted.ok, 'the quoted packet is cut at 8 payload bytes');
    const big = buildFrame([
      { kind: 'ethernet', src: A.mac, dst: B.mac }, { kind: 'ipv6', src: 'fd00::a', dst: 'fd00::b' },
      { kind: 'udp', srcPort: 1, dstPort: 2 }, { kind: 'raw', bytes: new Uint8Array(2000) },
    ]);
    const ptb = strict(icmp6Error({ original: big, routerMac: '00:00:00:00:00:ff', routerIp: 'fd00::1', type: 2, code: 0, mtu: 1500 }));
    assert.ok(ptb.l3?.kind === 'ipv6' && formatIpv6(ptb.l3.dst) === 'fd00::a');
    assert.equal(14 + 40 + ptb.l3.payloadLength, 14 + 1280, 'fills the minimum MTU exactly');
    assert.ok(ptb.l4?.kind === 'icmp6');
    assert.deepEqual([...ptb.l4.body.subarray(0, 4)], [0, 0, 0x05, 0xdc]);
    assert.ok(!parseIpv6(ptb.l4.body.subarray(4)).ok, 'quoted packet is truncated');
    assert.throws(() => icmp4Error({ original: big, routerMac: B.mac, routerIp: B.ip, type: 3, code: 1 }), /EtherType 0x86dd/);
  });
});
