import { strict as assert } from 'node:assert';
import { checkMatchText } from './match';
import { buildPacket, evaluate, symbolValue } from './evaluate';
import { mapLookup } from './lookup';
import { normalize } from './normalize';
import { ovnSymtab } from './symtab';

const symtab = ovnSymtab();
const names = mapLookup({ web: ['10.0.0.10', '10.0.0.11'] }, { pg: ['vm1', 'vm2'] });
const ctx = { symtab, isChassisResident: (p: string) => p === 'cr-lrp' };

function matches(text: string, packet: Array<[string, bigint | string]>): boolean {
  const r = checkMatchText(text, { symtab, names });
  if (!r.ok) assert.fail(`${text}: ${r.error.message}`);
  const p = new Map(packet);
  const results = [r.value.expr, r.value.annotated, normalize(r.value.annotated)].map((e) => evaluate(e, p, ctx));
  // The typed form ignores prerequisites; annotated and normalized forms must agree with each other.
  assert.equal(results[1], results[2], `annotated vs normalized for ${text}`);
  return results[1]!;
}

const tcp80: Array<[string, bigint | string]> = [
  ['eth.type', 0x800n], ['ip.proto', 6n], ['ip4.src', 0x0a00000an], ['ip4.dst', 0x0a00000bn], ['tcp.dst', 80n],
  ['inport', 'vm1'], ['ct_state', 0x22n], ['xxreg0', 5n << 96n], ['eth.dst', 0x01005e000001n],
];

describe('lflow evaluation', () => {
  it('evaluates comparisons, sets, subfields, predicates and conditions on a packet', () => {
    assert.equal(matches('tcp.dst == 80', tcp80), true);
    assert.equal(matches('tcp.dst == {22, 443}', tcp80), false);
    assert.equal(matches('tcp.dst >= 80 && tcp.dst < 81', tcp80), true);
    assert.equal(matches('udp.dst == 80', tcp80), false); // prerequisite udp fails
    assert.equal(matches('ip4.src == $web && inport == @pg', tcp80), true);
    assert.equal(matches('ip4.src == 10.0.0.0/24', tcp80), true);
    assert.equal(matches('ip4.src == 10.0.1.0/24', tcp80), false);
    assert.equal(matches('ct.est && !ct.new', tcp80), true);
    assert.equal(matches('ct.rpl', tcp80), false);
    assert.equal(matches('reg0 == 5', tcp80), true); // logical reg0 lives in xxreg0[96..127]
    assert.equal(matches('reg0[0] && !reg0[1] && reg0[2]', tcp80), true);
    assert.equal(matches('eth.mcast && ip4.mcast', tcp80), false); // ip4.dst not 224/4
    assert.equal(matches('eth.mcast', tcp80), true);
    assert.equal(matches('is_chassis_resident("cr-lrp") && !is_chassis_resident("other")', tcp80), true);
    assert.equal(matches('ip.first_frag', [...tcp80, ['ip.frag', 1n]]), true);
    assert.equal(matches('ip.first_frag', [...tcp80, ['ip.frag', 3n]]), false);
    // A negated boolean predicate includes its prerequisites' negation, as upstream: !ip.is_frag holds for ARP.
    assert.equal(matches('!ip.is_frag', [['eth.type', 0x806n]]), true);
    // Upstream adds prerequisites once for an OR over one field only if no constant is in it: with `|| 1`
    // each comparison carries its own, so this holds for an ARP packet (found by the ovn-trace differential).
    assert.equal(matches('ip4.src != 10.0.0.1 || 1', [['eth.type', 0x806n]]), true);
    assert.equal(matches('ip4.src != 10.0.0.1 || ip4.src == 10.0.0.1', [['eth.type', 0x806n]]), false);
  });

  it('reads a symbol value through subfields and predicates', () => {
    const p = new Map<string, bigint | string>(tcp80);
    assert.equal(symbolValue(symtab.get('reg0')!, p, ctx), 5n);
    assert.equal(symbolValue(symtab.get('reg1')!, p, ctx), 0n);
    assert.equal(symbolValue(symtab.get('ct.est')!, p, ctx), 1n);
    assert.equal(symbolValue(symtab.get('ip4')!, p, ctx), 1n);
    assert.equal(symbolValue(symtab.get('ip6')!, p, ctx), 0n);
    assert.equal(symbolValue(symtab.get('tcp.dst')!, p, ctx), 80n);
  });

  it('builds packets from per-symbol values', () => {
    const p = buildPacket(symtab, { reg0: 5n, reg3: 1n, 'ct.trk': 1n, 'ct.est': 1n, 'eth.type': 0x800n, inport: 'vm1' });
    assert.equal(p.get('xxreg0'), (5n << 96n) | 1n);
    assert.equal(p.get('ct_state'), 0x22n);
    assert.equal(matches('reg0 == 5 && reg3 == 1 && ct.est && inport == "vm1" && ip4', [...p]), true);
    assert.throws(() => buildPacket(symtab, { ip4: 1n }), /predicate/);
    assert.throws(() => buildPacket(symtab, { 'tcp.dst': 65536n }), /16 bits/);
    assert.throws(() => buildPacket(symtab, { inport: 1n }), /needs a string/);
  });
});
