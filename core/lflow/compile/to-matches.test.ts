// Hand-checked cases of match compilation, each as upstream ovn-controller 23.03.1 installed it (seen
// through the controller oracle; match.upstream.test.ts compares at random, these pin the shapes down).
import * as assert from 'node:assert/strict';
import { noNames } from '../lookup';
import { checkMatchText } from '../match';
import { ovnSymtab } from '../symtab';
import type { CompileContext } from './context';
import { compileMatch, type CompiledMatch } from './match';

const ctx: CompileContext = {
  symtab: ovnSymtab(),
  lookupPort: (n) => ({ vm1: 1, vm2: 2 } as Record<string, number>)[n],
  isChassisResident: (p) => p === 'vm1',
  isSwitch: true,
  groupId: () => 1,
  meterId: () => 1,
};

function compile(text: string): CompiledMatch[] {
  const checked = checkMatchText(text, { symtab: ctx.symtab, names: noNames });
  assert.ok(checked.ok, text);
  return compileMatch(checked.value.annotated, ctx);
}

const clauses = (ms: CompiledMatch[], k: number) => ms.filter((m) => m.conjunctions.some((c) => c.clause === k)).length;

describe('lflow compile: match shapes as upstream installs them', function () {
  it('an AND of two != over different fields is a conjunctive match, clauses in symbol-name order', function () {
    const ms = compile('tcp.dst != 80 && ip4.src != 10.0.0.1');
    assert.equal(ms.filter((m) => m.conjId !== null).length, 1);
    assert.equal(clauses(ms, 1), 32); // ip4.src sorts before tcp.dst
    assert.equal(clauses(ms, 2), 16);
  });

  it('keeps overlapping set members apart (no absorption)', function () {
    assert.equal(compile('ip4.src == {10.0.0.0/8, 10.0.0.1}').length, 2);
  });

  it('expands >= as == plus one block per 0-bit of the bound, not the fewest prefix blocks', function () {
    assert.equal(compile('tcp.dst >= 1000').length, 2 * 11); // tcp and tcp6
  });

  it('drops a constraint OVS cannot mask (ip.dscp: 6 bits never fill the byte)', function () {
    const ms = compile('ip4 && ip.dscp == 10');
    assert.equal(ms.length, 1);
    assert.ok(!ms[0]!.fields.has('ip_dscp'));
  });

  it('a set inside an OR gets per-member prerequisites, so it cannot be a clause', function () {
    const ms = compile('ip4.dst == {10.0.0.1, 10.0.0.2} && (reg0[0] == 1 || tcp.src == {53, 80})');
    // reg0[0] branch: 2 flows; tcp branch: the 2 x 2 cross product, no conjunction.
    assert.equal(ms.filter((m) => m.conjId !== null).length, 0);
    assert.equal(ms.length, 6);
  });
});
