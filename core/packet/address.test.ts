import { strict as assert } from 'node:assert';
import {
  bigintToBytes, bytesToBigint, formatIpv4, formatIpv6, formatMac, linkLocalFromMac, parseIpv4Text, parseIpv6Text,
  parseMacText, solicitedNodeAddress, toMac,
} from './address';

describe('packet/address', () => {
  it('parses and formats MACs', () => {
    assert.equal(formatMac(parseMacText('00:11:22:33:44:55')!), '00:11:22:33:44:55');
    assert.equal(formatMac(parseMacText('AA-bb-0C-0d-EE-ff')!), 'aa:bb:0c:0d:ee:ff');
    for (const bad of ['00:11:22:33:44', '00:11:22:33:44:55:66', 'zz:11:22:33:44:55', '001:1:22:33:44:55', '']) {
      assert.equal(parseMacText(bad), null, bad);
    }
    assert.throws(() => toMac('nope'), /invalid MAC/);
  });

  it('parses and formats IPv4', () => {
    assert.equal(parseIpv4Text('10.0.0.1'), 0x0a000001);
    assert.equal(parseIpv4Text('255.255.255.255'), 0xffffffff);
    assert.equal(formatIpv4(0xc0a80001), '192.168.0.1');
    for (const bad of ['10.0.0', '10.0.0.256', '1.2.3.4.5', 'a.b.c.d', '1..2.3']) assert.equal(parseIpv4Text(bad), null, bad);
  });

  it('formats IPv6 per RFC 5952 and parses every form back', () => {
    const cases: Array<[string, string]> = [
      ['fe80:0:0:0:0:0:0:1', 'fe80::1'],
      ['0:0:0:0:0:0:0:0', '::'],
      ['0:0:0:0:0:0:0:1', '::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of equal runs
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
      ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
      ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'], // longest run wins
      ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
      ['ff02::1:ff00:2', 'ff02::1:ff00:2'],
    ];
    for (const [input, want] of cases) {
      const bytes = parseIpv6Text(input);
      assert.ok(bytes, input);
      assert.equal(formatIpv6(bytes), want, input);
      assert.deepEqual(parseIpv6Text(want), bytes);
    }
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7', ':::']) {
      assert.equal(parseIpv6Text(bad), null, bad);
    }
  });

  it('derives link-local and solicited-node addresses', () => {
    assert.equal(formatIpv6(linkLocalFromMac(toMac('00:11:22:33:44:55'))), 'fe80::211:22ff:fe33:4455');
    assert.equal(formatIpv6(solicitedNodeAddress(parseIpv6Text('2001:db8::abcd:1234')!)), 'ff02::1:ffcd:1234');
  });

  it('converts bytes to bigints and back', () => {
    const mac = toMac('00:11:22:33:44:55');
    assert.equal(bytesToBigint(mac), 0x001122334455n);
    assert.deepEqual(bigintToBytes(0x001122334455n, 6), mac);
    assert.equal(bytesToBigint(parseIpv6Text('::1')!), 1n);
  });
});
