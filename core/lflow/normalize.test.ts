import { strict as assert } from 'node:assert';
import { annotate } from './annotate';
import { checkMatch } from './check-match';
import { LflowTooComplexError } from './errors';
import { noNames } from './lookup';
import { maxDnfConjunctionsCount, normalize } from './normalize';
import { parseMatchOrThrow } from './parse-match';
import { printExpr } from './print-expr';
import { ovnSymtab } from './symtab';

const symtab = ovnSymtab();
const norm = (text: string, prereqs = false) => {
  const e = checkMatch(parseMatchOrThrow(text), { symtab, names: noNames });
  return printExpr(normalize(prereqs ? annotate(e, symtab) : e));
};

describe('lflow normalization', () => {
  it('simplifies comparisons into value/mask equalities', () => {
    assert.equal(norm('reg0[0..3] < 4'), 'reg0[2..3] == 0');
    assert.equal(norm('reg0[0..3] >= 4'), 'reg0[2..3] == 1 || reg0[3]');
    assert.equal(norm('tcp.dst > 65535'), '0');
    assert.equal(norm('tcp.dst >= 0'), '1');
    assert.equal(norm('reg0[0..1] != 2'), '!reg0[1] || reg0[0]');
    assert.equal(norm('reg0 == 1 && reg0 == 2'), '0');
    assert.equal(norm('reg0[0] && reg0[1..2] == 3'), 'reg0[0..2] == 7');
    assert.equal(norm('!(ip.proto != 6)'), 'ip.proto == 6');
    assert.equal(norm('ip.proto == 6 && !(ip.proto != 17)'), '0');
    assert.equal(norm('inport == "a" && !(inport != "b")'), '0');
    assert.equal(norm('inport == {"a", "b"} && !(inport != "b")'), 'inport == "b"');
    // Nominal fields cannot be masked in OpenFlow: their inequalities stay whole literals.
    assert.equal(norm('!ip.is_frag', true), '(eth.type != 0x800 && eth.type != 0x86dd) || !ip.frag[0]');
    assert.equal(norm('is_chassis_resident("x") && !is_chassis_resident("x")'), '0');
  });

  it('pushes negation and distributes into a sorted DNF, absorbing redundant terms', () => {
    assert.equal(norm('!(reg0[0] && reg0[1])'), '!reg0[0] || !reg0[1]');
    assert.equal(norm('(reg0[0] || reg0[1]) && reg0[2]'), 'reg0 == 0x5/0x5 || reg0[1..2] == 3');
    assert.equal(norm('reg0[0] || (reg0[0] && reg0[1])'), 'reg0[0]');
    assert.equal(norm('reg0[1] || reg0[1]'), 'reg0[1]');
    assert.equal(norm('ct.est', true), 'ct_state == 0x22/0x22');
    assert.equal(norm('!ct.est', true), 'ct_state == 0x20/0x22');
    assert.equal(norm('eth.bcast', true), 'eth.dst == ff:ff:ff:ff:ff:ff');
  });

  it(`refuses a DNF larger than maxDnfConjunctionsCount (${maxDnfConjunctionsCount}) with a clear error`, () => {
    const clause = (i: number) => `(reg${i % 8}[${i}] || reg${(i + 1) % 8}[${i}])`;
    const text = Array.from({ length: 16 }, (_, i) => clause(i)).join(' && ');
    const e = checkMatch(parseMatchOrThrow(text), { symtab, names: noNames });
    assert.throws(() => normalize(e), (err: unknown) => err instanceof LflowTooComplexError && /more than 10000 conjunctions/.test(err.problem));
    assert.throws(() => normalize(e, { maxConjunctions: 100 }), /more than 100 conjunctions/);
    // 2^10 = 1024 conjunctions fit.
    const small = checkMatch(parseMatchOrThrow(Array.from({ length: 10 }, (_, i) => clause(i)).join(' && ')), { symtab, names: noNames });
    const n = normalize(small);
    assert.equal(n.type, 'or');
    if (n.type === 'or') assert.ok(n.operands.length <= 1024 && n.operands.length > 1);
  });
});
