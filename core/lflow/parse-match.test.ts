import { strict as assert } from 'node:assert';
import { parseMatch, maxParenDepthCount } from './parse-match';
import { printSyntax } from './print-syntax';

function canon(text: string): string {
  const r = parseMatch(text);
  if (!r.ok) assert.fail(`${text}: ${r.error.message}`);
  return printSyntax(r.value);
}

function err(text: string): { pos: number; problem: string } {
  const r = parseMatch(text);
  if (r.ok) assert.fail(`no error for ${text}`);
  return { pos: r.error.pos, problem: r.error.problem };
}

describe('lflow match parser', () => {
  it('parses every operator and prints canonical text', () => {
    const cases: Array<[string, string]> = [
      ['ip4.src==10.0.0.1', 'ip4.src == 10.0.0.1'],
      ['tcp.dst != 80', 'tcp.dst != 80'],
      ['tcp.dst < 1024 && tcp.dst >= 10', 'tcp.dst < 1024 && tcp.dst >= 10'],
      ['tcp.dst<=1&&tcp.dst>0', 'tcp.dst <= 1 && tcp.dst > 0'],
      ['udp.dst == {53,123 , 5353}', 'udp.dst == {53, 123, 5353}'],
      ['udp.dst == {53 123}', 'udp.dst == {53, 123}'],
      ['ip4.dst == 10.0.0.0/255.0.0.0', 'ip4.dst == 10.0.0.0/8'],
      ['ip6.src == fe80::/64', 'ip6.src == fe80::/64'],
      ['eth.src == 01:00:00:00:00:00/01:00:00:00:00:00', 'eth.src == 01:00:00:00:00:00/01:00:00:00:00:00'],
      ['reg0[5..7] == 3 || reg0[3]', 'reg0[5..7] == 3 || reg0[3]'],
      ['!ct.est', '!ct.est'],
      ['!(a == 1 && b == 2)', '!(a == 1 && b == 2)'],
      ['(a || b) && c', '(a || b) && c'],
      ['ip4.dst == $as1 && inport == @pg1', 'ip4.dst == $as1 && inport == @pg1'],
      ['outport == "a\\"b"', 'outport == "a\\"b"'],
      ['1', '1'],
      ['0 || x', '0 || x'],
      ['80 == tcp.dst', 'tcp.dst == 80'],
      ['1000 <= tcp.dst <= 2000', 'tcp.dst >= 1000 && tcp.dst <= 2000'],
      ['is_chassis_resident("cr-lr0-pub") && !is_chassis_resident("x")', 'is_chassis_resident("cr-lr0-pub") && !is_chassis_resident("x")'],
      ['x == 0x0/0x1234', 'x == 0x0/0x1234'],
    ];
    for (const [text, expected] of cases) {
      assert.equal(canon(text), expected, text);
      assert.equal(canon(expected), expected, `canonical text re-parses to itself: ${expected}`);
    }
  });

  it('reports syntax errors with positions', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['a && b || c', 7, /must be parenthesized/],
      ['!a == 1', 1, /Missing parentheses around operand of !/],
      ['a = 1', 2, /expecting relational operator/],
      ['a ==', 4, /expecting constant/],
      ['(a == 1', 7, /expecting `\)'/],
      ['a == 1)', 6, /expecting end of input/],
      ['foo(1)', 0, /Unknown function `foo'/],
      ['is_chassis_resident(1)', 20, /expecting string/],
      ['reg0[7..3]', 0, /Invalid bit range 7 to 3/],
      ['reg0[x]', 5, /expecting bit index/],
      ['1 < x > 2', 6, /Range expressions/],
      ['1 == x == 2', 7, /Range expressions/],
      ['5', 1, /expecting relational operator/],
      ['{1, 2}', 6, /expecting relational operator/],
      ['x == {}', 6, /expecting constant/],
      ['&& x', 0, /expecting constant/],
      ['', 0, /expecting constant/],
    ];
    for (const [text, pos, re] of cases) {
      const e = err(text);
      assert.equal(e.pos, pos, `${text}: ${e.problem}`);
      assert.match(e.problem, re, text);
    }
  });

  it(`refuses parentheses nested deeper than ${maxParenDepthCount}`, () => {
    const ok = '('.repeat(maxParenDepthCount) + 'x' + ')'.repeat(maxParenDepthCount);
    assert.equal(canon(ok), 'x');
    const deep = '('.repeat(maxParenDepthCount + 1) + 'x' + ')'.repeat(maxParenDepthCount + 1);
    assert.match(err(deep).problem, /nested too deeply/);
    assert.match(err('('.repeat(100_000)).problem, /nested too deeply/);
  });
});
