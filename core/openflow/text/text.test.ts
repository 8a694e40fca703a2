import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toHex } from '../bytes';
import { encodeMessage } from '../messages/codec';
import { parseFlow } from './flow-parse';
import { formatFlow } from './flow-format';
import { ipv6 } from './values';
import { parseIpv6 } from './lex';
import { bigIntToBytes } from '../bytes';
import { buildMatch, matchEntry } from '../build';
import { formatMatch } from './match-format';

const corpus = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'core', 'openflow', 'testdata', 'ovn-flows.txt'), 'utf8')
  .split('\n').filter((l) => l.trim() !== '');

describe('openflow text form', () => {
  it('parse -> print -> parse gives the same FLOW_MOD bytes for every corpus flow', () => {
    assert.ok(corpus.length >= 50);
    for (const line of corpus) {
      const a = parseFlow(line);
      assert.ok(a.ok, a.ok ? '' : a.error);
      const printed = `table=${a.flowMod.tableId},${formatFlow(a.flowMod)}`;
      const b = parseFlow(printed);
      assert.ok(b.ok, `${printed}: ${b.ok ? '' : b.error}`);
      assert.equal(toHex(encodeMessage(b.flowMod)), toHex(encodeMessage(a.flowMod)), `${line}\nprinted as\n${printed}`);
    }
  });

  it('rejects bad flows with a message naming the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['priority=1 output:1', /missing "actions="/],
      ['foo=1 actions=drop', /unknown field "foo"/],
      ['reg0=0x1 actions=resubmit(,37', /unbalanced/],
      ['reg0=zz actions=drop', /bad reg0 value/],
      ['actions=load:0x1ff->NXM_NX_REG0[0..7]', /does not fit in 8 bits/],
      ['actions=move:NXM_NX_REG0[0..7]->NXM_NX_REG1[0..15]', /8 source bits vs 16/],
      ['actions=frobnicate', /unknown action "frobnicate"/],
      ['actions=conjunction(1,3/2)', /clause out of range/],
      ['ct_zone=1/0xff actions=drop', /not maskable/],
      ['actions=load:1->NXM_NX_REG0[40]', /outside the 32-bit field/],
      ['tp_dst=80 actions=drop', /tp_dst needs its prerequisites/],
      ['ip,icmp_type=3 actions=drop', /icmp_type needs its prerequisites/],
    ];
    for (const [text, re] of cases) {
      const r = parseFlow(text);
      assert.ok(!r.ok, `${text} should fail`);
      assert.match(r.error, re, text);
    }
  });

  it('never drops a field: rare fields are encoded and printed generically', () => {
    const m = buildMatch({ eth_type: 0x894fn, nsh_spi: 5n, reg0: 1n });
    assert.deepEqual(m.map((e) => e.field.name), ['eth_type', 'xreg0', 'nsh_spi']);
    assert.equal(formatMatch(m), 'reg0=0x1,dl_type=0x894f,nsh_spi=0x5');
    assert.equal(formatMatch([matchEntry('tun_erspan_ver', 1n), matchEntry('mpls_label', 5n)]), 'mpls_label=5,tun_erspan_ver=1');
  });

  it('prints and parses IPv6 addresses like inet_ntop/inet_pton', () => {
    for (const s of ['::', '::1', 'fe80::f816:3eff:fe00:2', 'fd00::', '1:2:3:4:5:6:7:8', '1::5:6:7:8', '::ffff:10.0.0.1', '1:0:0:2::3']) {
      const v = parseIpv6(s);
      assert.ok(v !== undefined, s);
      assert.equal(ipv6(bigIntToBytes(v, 16)), s);
    }
    assert.equal(parseIpv6('1::2::3'), undefined);
    assert.equal(parseIpv6('12345::'), undefined);
  });
});
