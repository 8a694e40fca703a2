// Frames captured from the Linux kernel on the loopback interface (tshark -i lo while running ping, ping -6,
// a TCP connect and a UDP DNS query), and malformed inputs that must give a clear error with its offset.
import { strict as assert } from 'node:assert';
import { fromHex, toHex } from './bytes';
import { readOvnTunnelPorts } from './geneve';
import { decodeFrame, parseFrame } from './decode';
import { formatIpv4, formatIpv6 } from './address';
import { readDns } from './dns';
import { parseDhcp6, parseDns, parseIpv4, parseIpv6 } from './parse';
import { buildFrame } from './build';
import { geneveEncapsulate, icmp4Echo, neighborSolicitation } from './recipes';

const captured = {
  icmpEchoRequest: '00000000000000000000000008004500002c815a40004001bb747f0000017f00000108006e57313b0001ea10076b0000000066f0000000000000',
  icmp6EchoRequest:
    '00000000000000000000000086dd6002963a00183a40000000000000000000000000000000010000000000000000000000000000000180005af6313c0001ea10076b0000000001fc000000000000',
  // Kernel TCP on lo leaves a partial checksum (offload): tshark also reports it bad.
  tcpSyn: '00000000000000000000000008004500003c27224000400615987f0000017f000001bc02232771513edd00000000a002ffd7fe3000000204ffd70402080a8032f04f000000000103030a',
  dnsQuery: '000000000000000000000000080045000039bdc3400040117eee7f0000017f000001c55300350025fe38abcd01000001000000000000076578616d706c6503636f6d0000010001',
  // ovs-vswitchd 3.1 (dummy datapath, userspace tunnel push) encapsulating an ICMP echo on a Geneve port after
  // set_field:5->tun_id, set_field:0x00038001->tun_metadata0 (TLV map class 0x0102 type 0x80 len 4).
  ovsGeneve:
    'f8bc124434b6aa55aa55000008004500008e00004000401133aa010102580101025ce59817c1007a00000240655800000500010280010003800100000000000200000000000108004500005400004000400126a70a0000010a0000020800f7fd000100010000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  icmpPortUnreachable:
    '000000000000000000000000080045c00055816800004001fa7d7f0000017f0000010303bdda0000000045000039bdc3400040117eee7f0000017f000001c55300350025fe38abcd01000001000000000000076578616d706c6503636f6d0000010001',
};

describe('packet decode of real captures', () => {
  it('ICMP echo request from ping', () => {
    const r = parseFrame(fromHex(captured.icmpEchoRequest));
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const { l3, l4 } = r.value;
    assert.ok(l3?.kind === 'ipv4' && l4?.kind === 'icmp4');
    assert.equal(formatIpv4(l3.src), '127.0.0.1');
    assert.equal(l3.dontFragment, true);
    assert.equal(l3.identification, 0x815a);
    assert.deepEqual(l4.echo, { identifier: 0x313b, sequence: 1 });
    assert.equal(l4.body.length, 16);
  });

  it('ICMPv6 echo request from ping -6 (pseudo-header checksum verifies)', () => {
    const r = parseFrame(fromHex(captured.icmp6EchoRequest));
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const { l3, l4 } = r.value;
    assert.ok(l3?.kind === 'ipv6' && l4?.kind === 'icmp6');
    assert.equal(formatIpv6(l3.src), '::1');
    assert.equal(l3.flowLabel, 0x2963a);
    assert.equal(l4.checksumValid, true);
    assert.deepEqual(l4.message.kind === 'echo' && [l4.message.identifier, l4.message.sequence], [0x313c, 1]);
  });

  it('TCP SYN with options; the offloaded checksum is an error in strict mode only', () => {
    const frame = fromHex(captured.tcpSyn);
    const strict = parseFrame(frame);
    assert.ok(!strict.ok);
    assert.equal(strict.error.layer, 'tcp');
    assert.equal(strict.error.offset, 34);
    assert.match(strict.error.message, /bad checksum 0xfe30/);
    const loose = decodeFrame(frame);
    assert.ok(loose.ok && loose.value.l4?.kind === 'tcp');
    const tcp = loose.value.l4;
    assert.deepEqual([tcp.srcPort, tcp.dstPort, tcp.flags, tcp.window, tcp.seq], [48130, 8999, 0x002, 65495, 0x71513edd]);
    assert.deepEqual(tcp.options.map((o) => o.kind), [2, 4, 8, 3]); // MSS, SACK permitted, timestamps, window scale
    assert.deepEqual([...tcp.options[0]!.data], [0xff, 0xd7]);
    assert.deepEqual([...tcp.options[3]!.data], [10]);
  });

  it('DNS query over UDP', () => {
    const d = decodeFrame(fromHex(captured.dnsQuery));
    assert.ok(d.ok && d.value.app?.kind === 'dns');
    assert.equal(d.value.app.id, 0xabcd);
    assert.deepEqual(d.value.app.questions, [{ name: 'example.com', type: 1, class: 1 }]);
    assert.equal(d.value.offsets.app, 42);
  });

  it('Geneve frame encapsulated by ovs-vswitchd: VNI, OVN port keys, and our encoder gives the same bytes', () => {
    const frame = fromHex(captured.ovsGeneve);
    const r = parseFrame(frame);
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const { l4, app, inner } = r.value;
    assert.ok(l4?.kind === 'udp' && l4.dstPort === 6081 && l4.checksum === 0);
    assert.ok(app?.kind === 'geneve' && app.vni === 5 && app.critical);
    assert.deepEqual(readOvnTunnelPorts(app), { ingressPort: 3, egressPort: 0x8001 });
    assert.ok(inner?.l4?.kind === 'icmp4' && inner.l4.echo?.identifier === 1);
    const ours = geneveEncapsulate({
      srcMac: 'aa:55:aa:55:00:00', dstMac: 'f8:bc:12:44:34:b6', srcIp: '1.1.2.88', dstIp: '1.1.2.92', srcPort: 58776,
      vni: 5, ports: { ingressPort: 3, egressPort: 0x8001 },
      inner: icmp4Echo({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 1, sequence: 1 }),
    });
    assert.equal(toHex(ours), captured.ovsGeneve);
  });

  it('ICMP port unreachable quoting the original datagram', () => {
    const r = parseFrame(fromHex(captured.icmpPortUnreachable));
    assert.ok(r.ok, !r.ok ? r.error.message : '');
    const { l3, l4 } = r.value;
    assert.ok(l3?.kind === 'ipv4' && l4?.kind === 'icmp4');
    assert.equal(l3.tos, 0xc0);
    assert.deepEqual([l4.type, l4.code], [3, 3]);
    const quoted = parseIpv4(l4.body);
    assert.ok(quoted.ok);
    assert.equal(quoted.value.protocol, 17);
  });
});

describe('packet decode errors', () => {
  const l2 = { srcMac: '02:00:00:00:00:01', dstMac: '02:00:00:00:00:02' };
  const echo = icmp4Echo({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 1, sequence: 1 });

  it('reports a truncated Ethernet header', () => {
    const r = decodeFrame(echo.subarray(0, 13));
    assert.ok(!r.ok);
    assert.equal(r.error.layer, 'ethernet');
    assert.equal(r.error.offset, 12);
    assert.match(r.error.message, /truncated EtherType/);
  });

  it('reports a truncated IPv4 packet at the total-length field, keeping the Ethernet layer', () => {
    const d = decodeFrame(echo.subarray(0, 60));
    assert.ok(d.ok);
    assert.equal(d.value.l3, undefined);
    assert.deepEqual(d.value.error && [d.value.error.layer, d.value.error.offset], ['ipv4', 16]);
    assert.match(d.value.error!.message, /total length 84, 46 bytes present/);
  });

  it('reports a bad IPv4 header checksum in strict mode', () => {
    const bad = echo.slice();
    bad[24] ^= 0xff;
    const r = parseFrame(bad);
    assert.ok(!r.ok);
    assert.deepEqual([r.error.layer, r.error.offset], ['ipv4', 14]);
    assert.match(r.error.message, /bad checksum/);
  });

  it('reports a bad ICMP checksum in strict mode', () => {
    const bad = echo.slice();
    bad[bad.length - 1] ^= 1;
    const r = parseFrame(bad);
    assert.ok(!r.ok);
    assert.deepEqual([r.error.layer, r.error.offset], ['icmp4', 34]);
  });

  it('reports errors inside a Geneve payload at absolute offsets', () => {
    const inner = echo.slice();
    inner[14] = 0x46; // IHL 6: the ICMP header's first bytes (type 8, code 0) now read as an option of length 0
    const frame = geneveEncapsulate({ ...l2, srcIp: '192.168.0.1', dstIp: '192.168.0.2', vni: 1, ports: { ingressPort: 1, egressPort: 1 }, inner });
    const innerAt = 14 + 20 + 8 + 16; // outer Ethernet, IPv4, UDP, Geneve with the 8-byte OVN option
    const r = parseFrame(frame);
    assert.ok(!r.ok);
    assert.deepEqual([r.error.layer, r.error.offset], ['ipv4 option', innerAt + 14 + 20]);
    assert.match(r.error.message, /option 8 length 0 < 2/);
    const cut = parseFrame(frame.subarray(0, innerAt + 10));
    assert.ok(!cut.ok);
    assert.deepEqual([cut.error.layer, cut.error.offset], ['ipv4', 16], 'the outer IPv4 total length no longer fits');
  });

  it('removes Ethernet padding using the IP total length', () => {
    const padded = new Uint8Array(echo.length + 10);
    padded.set(echo);
    const r = parseFrame(padded);
    assert.ok(r.ok && r.value.l3?.kind === 'ipv4');
    assert.equal(r.value.l3.payload.length, 64);
  });

  it('rejects bad IPv4 and IPv6 versions and lengths with offsets', () => {
    const v4 = echo.slice(14);
    v4[0] = 0x44;
    const r4 = parseIpv4(v4);
    assert.ok(!r4.ok);
    assert.match(r4.error.message, /IHL 4 below minimum 5/);
    const r6 = parseIpv6(new Uint8Array(40).fill(0x60, 0, 1));
    assert.ok(!r6.ok);
    assert.match(r6.error.message, /payload length 0/);
  });

  it('reports an extension header running past the payload', () => {
    const frame = buildFrame([
      { kind: 'ethernet', src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' },
      { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', protocol: 0 },
      { kind: 'raw', bytes: new Uint8Array([59, 3, 0, 0, 0, 0, 0, 0]) }, // HBH claiming 32 bytes, 8 present
    ]);
    const d = decodeFrame(frame);
    assert.ok(d.ok && d.value.error);
    assert.equal(d.value.error.layer, 'ipv6 extension header');
    assert.equal(d.value.error.offset, 14 + 42);
  });
});

describe('IPv6 extension chains and zero UDP checksums', () => {
  const l2 = { kind: 'ethernet' as const, src: '00:00:00:00:00:01', dst: '00:00:00:00:00:02' };

  it('bounds the extension header chain', () => {
    const ok = buildFrame([l2, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', extensions: new Array(10).fill({ type: 60 }) }, { kind: 'udp', srcPort: 1, dstPort: 2 }]);
    assert.ok(parseFrame(ok).ok);
    const tooMany = buildFrame([l2, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2', extensions: new Array(11).fill({ type: 60 }) }, { kind: 'udp', srcPort: 1, dstPort: 2 }]);
    const r = parseFrame(tooMany);
    assert.ok(!r.ok);
    assert.match(r.error.message, /more than 10 extension headers/);
    assert.equal(r.error.offset, 14 + 40 + 10 * 8);
  });

  it('accepts a zero UDP checksum over IPv6 only for Geneve', () => {
    const zeroTo = (dstPort: number): Uint8Array =>
      buildFrame([l2, { kind: 'ipv6', src: 'fd00::1', dst: 'fd00::2' }, { kind: 'udp', srcPort: 1, dstPort, checksum: 0 }, { kind: 'raw', bytes: new Uint8Array(8) }]);
    const geneve = parseFrame(zeroTo(6081));
    assert.ok(geneve.ok && geneve.value.l4?.kind === 'udp' && geneve.value.l4.checksumValid);
    const other = parseFrame(zeroTo(5000));
    assert.ok(!other.ok);
    assert.deepEqual([other.error.layer, other.error.offset], ['udp', 54]);
  });
});

describe('nested option offsets', () => {
  it('points at a zero-length ND option by its absolute offset', () => {
    const frame = neighborSolicitation({ srcMac: '00:00:00:00:00:01', srcIp: 'fe80::1', targetIp: 'fe80::2' });
    const optionAt = 14 + 40 + 4 + 4 + 16; // Ethernet, IPv6, ICMPv6 header, reserved, target
    const bad = frame.slice();
    bad[optionAt + 1] = 0;
    const d = decodeFrame(bad);
    assert.ok(d.ok && d.value.error);
    assert.deepEqual([d.value.error.layer, d.value.error.offset], ['nd option', optionAt]);
    assert.match(d.value.error.message, /option 1 has length 0/);
  });

  it('points at a DHCPv6 option running past the message', () => {
    const r = parseDhcp6(fromHex('01123456' + '0001' + '0010' + '0003'));
    assert.ok(!r.ok);
    assert.deepEqual([r.error.layer, r.error.offset], ['dhcp6 option', 8]);
    assert.match(r.error.message, /option 1 data: need 16 bytes, 2 left/);
  });
});

describe('DNS name compression', () => {
  // A response to "example.com A" whose answer names point back at the question (0xc00c), and a CNAME
  // whose rdata is "www" + pointer.
  const response = fromHex(
    'abcd81800001000200000000' +
      '076578616d706c6503636f6d0000010001' + // question at offset 12
      'c00c000500010000003c0006' + '03777777c00c' + // CNAME www.example.com
      'c02900010001000000780004c0000201', // A for the CNAME target (name at 41)
  );

  it('follows pointers in owner names and rdata', () => {
    const m = readDns(response);
    assert.equal(m.answers[0]!.name, 'example.com');
    assert.deepEqual(m.answers[0]!.rdata, { kind: 'cname', name: 'www.example.com' });
    assert.equal(m.answers[1]!.name, 'www.example.com');
    assert.ok(m.answers[1]!.rdata.kind === 'a' && formatIpv4(m.answers[1]!.rdata.address) === '192.0.2.1');
    assert.equal(m.answers[1]!.ttl, 120);
  });

  it('rejects forward and looping pointers', () => {
    const forward = fromHex('000100000001000000000000c00e00010001');
    const r = parseDns(forward);
    assert.ok(!r.ok);
    assert.match(r.error.message, /does not point backwards/);
    assert.equal(r.error.offset, 12);
    // "a" then a pointer back to itself: a loop only the jump bound stops.
    const loop = fromHex('00010000000100000000000001' + '61' + 'c00c00010001');
    const l = parseDns(loop);
    assert.ok(!l.ok);
    assert.match(l.error.message, /compression pointers|longer than 255/);
  });
});
