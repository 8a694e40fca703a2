import { strict as assert } from 'node:assert';
import { LflowError } from './errors';
import { tokenize, type Token } from './lexer';
import { formatIpv6, parseIpv4, parseIpv6, parseMac } from './addresses';

function one(text: string): Token {
  const t = tokenize(text);
  assert.equal(t.length, 2, `expected one token in ${text}: ${JSON.stringify(t, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return t[0]!;
}

function int(text: string): { value: bigint; mask: bigint | null; format: string } {
  const t = one(text);
  assert.equal(t.type, 'int');
  if (t.type !== 'int') throw new Error('unreachable');
  return { value: t.value, mask: t.mask, format: t.format };
}

function lexError(text: string): LflowError {
  try {
    tokenize(text);
  } catch (e) {
    if (e instanceof LflowError) return e;
    throw e;
  }
  assert.fail(`no error for ${text}`);
}

describe('lflow lexer', () => {
  it('reads integers in every format', () => {
    assert.deepEqual(int('0'), { value: 0n, mask: null, format: 'decimal' });
    assert.deepEqual(int('18446744073709551615'), { value: (1n << 64n) - 1n, mask: null, format: 'decimal' });
    assert.deepEqual(int('0x86dd'), { value: 0x86ddn, mask: null, format: 'hex' });
    assert.deepEqual(int('10.0.0.1'), { value: 0x0a000001n, mask: null, format: 'ipv4' });
    assert.deepEqual(int('fe80::1'), { value: (0xfe80n << 112n) | 1n, mask: null, format: 'ipv6' });
    assert.deepEqual(int('::ffff:192.0.2.128'), { value: (0xffffn << 32n) | 0xc0000280n, mask: null, format: 'ipv6' });
    assert.deepEqual(int('00:00:00:00:ff:01'), { value: 0xff01n, mask: null, format: 'ethernet' });
    assert.deepEqual(int('0x' + 'f'.repeat(32)).value, (1n << 128n) - 1n);
    // Upstream scans Ethernet text with %hhx: any 17 characters of six hex groups, each kept modulo 256.
    assert.deepEqual(int('0:00:00:00:ff0:01'), { value: 0xf001n, mask: null, format: 'ethernet' });
    assert.match(lexError('0:00:00:00:ff0:1').problem, /Invalid numeric constant/); // 16 characters: neither
  });

  it('reads masks and CIDR prefixes, clearing value bits outside the mask', () => {
    assert.deepEqual(int('10.1.2.3/8'), { value: 0x0a000000n, mask: 0xff000000n, format: 'ipv4' });
    assert.deepEqual(int('10.0.0.0/255.255.0.0'), { value: 0x0a000000n, mask: 0xffff0000n, format: 'ipv4' });
    assert.deepEqual(int('fe80::/64'), { value: 0xfe80n << 112n, mask: ((1n << 64n) - 1n) << 64n, format: 'ipv6' });
    assert.deepEqual(int('0x12/0xf0'), { value: 0x10n, mask: 0xf0n, format: 'hex' });
    assert.deepEqual(int('0/0x1234'), { value: 0n, mask: 0x1234n, format: 'hex' });
    assert.deepEqual(int('01:00:00:00:00:00/01:00:00:00:00:00').mask, 0x010000000000n);
    assert.deepEqual(int('10.0.0.0/0').mask, 0n);
  });

  it('splits IPv4:port and ranges but keeps IPv6 together', () => {
    assert.deepEqual(tokenize('10.0.0.1:80').map((t) => t.type), ['int', ':', 'int', 'end']);
    assert.deepEqual(tokenize('reg0[5..7]').map((t) => t.type), ['id', '[', 'int', '..', 'int', ']', 'end']);
    assert.deepEqual(tokenize('[fd00::2]:80').map((t) => t.type), ['[', 'int', ']', ':', 'int', 'end']);
    assert.deepEqual(tokenize('a <-> b; ip.ttl--; x = -1').map((t) => t.type), ['id', '<->', 'id', ';', 'id', '--', ';', 'id', '=', '-', 'int', 'end']);
  });

  it('reads identifiers with dots, $address_sets, @port_groups, strings with JSON escapes, comments', () => {
    const t = tokenize('ct_mark.blocked $as_1 @pg.x "a\\"b\\\\c\\n\\u0041" /* c */ // tail');
    assert.deepEqual(t.map((x) => (x.type === 'id' || x.type === 'addrset' || x.type === 'portgroup' || x.type === 'string' ? [x.type, x.text] : [x.type])), [
      ['id', 'ct_mark.blocked'],
      ['addrset', 'as_1'],
      ['portgroup', 'pg.x'],
      ['string', 'a"b\\c\nA'],
      ['end'],
    ]);
    // "abc" is an identifier, "ab:cd:..." an address: the lexer decides by what follows the hex letters.
    assert.equal(one('abc').type, 'id');
    assert.equal(one('ab:cd:ef:00:11:22').type, 'int');
  });

  it('reports each malformed token with its position', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['x == 012', 5, /leading zeros/],
      ['x == 18446744073709551616', 5, /less than 2\*\*64/],
      ['x == 0x', 5, /Hex digits expected/],
      ['x == 0xfg', 5, /hexadecimal/],
      ['x == 1.2.3.256', 5, /Invalid numeric constant/],
      ['x == 10.0.0.0/33', 14, /incompatible formats/],
      ['x == 10.0.0.0/ff::', 14, /incompatible formats/],
      ['x == "abc', 5, /ends inside quoted string/],
      ['x == "a\\qb"', 7, /Invalid escape/],
      ['x & y', 2, /only valid as part of `&&'/],
      ['x | y', 2, /only valid as part of `\|\|'/],
      ['a /* b', 2, /without matching/],
      ['x == $', 5, /must be followed by a valid identifier/],
      ['x == @1', 5, /must be followed by a valid identifier/],
      ['x == ^tmpl', 5, /Unexpanded template/],
      ['x # y', 2, /Invalid character `#'/],
      ['x \u0001', 2, /Invalid byte 0x1/],
      ['a / b', 2, /only valid as part of `\/\/'/],
      ['. x', 0, /only valid as part of `\.\.'/],
      ['x == 0x' + '1'.repeat(257), 5, /more than 1024 bits/],
    ];
    for (const [text, pos, re] of cases) {
      const e = lexError(text);
      assert.equal(e.pos, pos, `${text}: ${e.message}`);
      assert.match(e.problem, re, text);
      assert.ok(e.render(text).includes('^'));
    }
  });

  it('address helpers agree with inet_pton and RFC 5952 forms', () => {
    assert.equal(parseIpv4('1.2.3.04'), null);
    assert.equal(parseIpv6('1::2::3'), null);
    assert.equal(parseIpv6('1:2:3:4:5:6:7:8:9'), null);
    assert.equal(parseIpv6('1:2:3:4:5:6:7::'), (((1n << 16n | 2n) << 16n | 3n) << 16n | 4n) << 64n | (5n << 48n) | (6n << 32n) | (7n << 16n));
    assert.equal(parseMac('0:0:0:0:0:0'), null);
    assert.equal(formatIpv6(parseIpv6('fe80:0:0:0:0:0:0:1')!), 'fe80::1');
    assert.equal(formatIpv6(parseIpv6('1:0:0:2:0:0:0:3')!), '1:0:0:2::3');
    assert.equal(formatIpv6(0n), '::');
  });
});
