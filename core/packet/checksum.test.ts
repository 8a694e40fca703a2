import { strict as assert } from 'node:assert';
import { crc32c, internetChecksum, l4Checksum } from './checksum';
import { fromHex } from './bytes';

describe('packet/checksum', () => {
  it('computes the RFC 1071 example sum', () => {
    // RFC 1071 section 3: words 0001 f203 f4f5 f6f7 sum to 0xddf2 (checksum is its complement).
    assert.equal(internetChecksum(fromHex('0001f203f4f5f6f7')), ~0xddf2 & 0xffff);
  });

  it('matches a known IPv4 header checksum', () => {
    // A classic IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum field holds 0xb861.
    const header = fromHex('450000730000400040110000c0a80001c0a800c7');
    assert.equal(internetChecksum(header), 0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    assert.equal(internetChecksum(header), 0, 'a header including its checksum sums to zero');
  });

  it('pads an odd trailing byte with zero', () => {
    assert.equal(internetChecksum(fromHex('01')), ~0x0100 & 0xffff);
  });

  it('includes the IPv4 pseudo-header (values tshark calculated for real loopback frames)', () => {
    const lo = { version: 4 as const, src: 0x7f000001, dst: 0x7f000001 };
    // UDP DNS query 127.0.0.1:50515 -> :53 (checksum field zeroed); tshark: udp.checksum_calculated 0xc0dd.
    const udp = fromHex('c55300350025' + '0000' + 'abcd01000001000000000000076578616d706c6503636f6d0000010001');
    assert.equal(l4Checksum(lo, 17, udp), 0xc0dd);
    // TCP SYN with options 48130 -> 8999 (checksum zeroed); tshark: tcp.checksum_calculated 0x5024.
    const tcp = fromHex('bc02232771513edd00000000a002ffd7000000000204ffd70402080a8032f04f000000000103030a');
    assert.equal(l4Checksum(lo, 6, tcp), 0x5024);
    assert.notEqual(l4Checksum({ ...lo, src: 0x7f000002 }, 6, tcp), 0x5024, 'the pseudo-header matters');
  });

  it('computes CRC32c check values (RFC 3720 B.4)', () => {
    assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
    assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
    assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  });
});
