// Property tests (fast-check): normalization and annotation keep meaning (checked by evaluation on random
// packets), normalization is idempotent and yields DNF, printed expressions parse back to the same thing.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { annotate } from './annotate';
import { checkMatch } from './check-match';
import { evaluate, type Packet } from './evaluate';
import type { Expr } from './expr';
import { mapLookup } from './lookup';
import { normalize as normalizeUnbounded, prefixBlocks } from './normalize';
import { LflowTooComplexError } from './errors';
import { maxInputChars } from './lexer';
import { parseMatchOrThrow } from './parse-match';
import { printExpr } from './print-expr';
import { printSyntax } from './print-syntax';
import { ovnSymtab } from './symtab';

const symtab = ovnSymtab();
const names = mapLookup({ as1: ['10.0.0.1', '192.168.0.0/16'] }, { pg1: ['a', 'b'] });
const ctx = { symtab, names };
const evalCtx = { symtab, isChassisResident: (p: string) => p === 'p1' };
const numRuns = 200;

/** Match text whose negation parity is tracked so nominal fields are only tested as upstream allows. */
function leaf(neg: boolean): fc.Arbitrary<string> {
  const choices: fc.Arbitrary<string>[] = [
    fc.constantFrom('reg0 == 5', 'reg0 != 0', 'reg0[0..3] < 4', 'reg0[0..3] >= 9', 'reg0[4..7] == {1, 2, 15}', 'reg0[3]', '!reg0[1]', 'reg0 == 0x5/0xf'),
    fc.constantFrom('tcp.dst == 80', 'tcp.dst != 22', '1000 <= tcp.dst <= 2000', 'tcp.dst > 65000', 'tcp.dst == {22, 80, 443}'),
    fc.constantFrom('ip4.src == 10.0.0.0/8', 'ip4.src == $as1', 'ip4.src != 10.0.0.1', 'ip4.src == 10.0.0.1/255.0.0.255'),
    fc.constantFrom('eth.dst == 00:00:00:00:00:01', 'eth.mcast', 'eth.bcast', 'eth.dst[0..7] > 3'),
    fc.constantFrom('ct.est', '!ct.new', 'ct.trk', 'ct_state[0..2] == 3', 'flags.loopback'),
    fc.constantFrom('ip.is_frag', 'ip.later_frag', 'ip.first_frag', '!ip.first_frag'),
    fc.constantFrom('is_chassis_resident("p1")', 'is_chassis_resident("p2")', '1', '0'),
    neg ? fc.constantFrom('ip.proto != 6', 'inport != "a"', 'eth.type != 0x800') : fc.constantFrom('ip.proto == 6', 'inport == "a"', 'inport == @pg1', 'eth.type == 0x86dd', 'ip4', 'tcp', 'udp', 'ip6', 'arp'),
  ];
  return fc.oneof(...choices);
}

function matchText(depth: number, neg: boolean): fc.Arbitrary<string> {
  if (depth === 0) return leaf(neg);
  const sub = (n: boolean) => matchText(depth - 1, n);
  return fc.oneof(
    { weight: 3, arbitrary: leaf(neg) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('&&', '||'), fc.array(sub(neg), { minLength: 2, maxLength: 3 })).map(([op, xs]) => xs.map((x) => `(${x})`).join(` ${op} `)) },
    { weight: 1, arbitrary: sub(!neg).map((x) => `!(${x})`) },
  );
}

const packetArb: fc.Arbitrary<Packet> = fc
  .record({
    reg0: fc.oneof(fc.constantFrom(0n, 5n, 0x15n, 0xffffffffn), fc.bigInt({ min: 0n, max: 0xffffn })),
    ethType: fc.constantFrom(0x800n, 0x86ddn, 0x806n),
    proto: fc.constantFrom(6n, 17n, 1n, 58n),
    tcpDst: fc.oneof(fc.constantFrom(22n, 80n, 443n, 1000n, 2000n, 65535n), fc.bigInt({ min: 0n, max: 65535n })),
    ip4Src: fc.constantFrom(0x0a000001n, 0x0a0000ffn, 0xc0a80101n, 0x0b000001n),
    ethDst: fc.constantFrom(1n, 0xffffffffffffn, 0x010000000005n, 0n),
    ctState: fc.bigInt({ min: 0n, max: 255n }),
    flags: fc.bigInt({ min: 0n, max: 3n }),
    frag: fc.bigInt({ min: 0n, max: 3n }),
    inport: fc.constantFrom('a', 'b', 'c', ''),
  })
  .map((p) => new Map<string, bigint | string>([
    ['xxreg0', p.reg0 << 96n],
    ['eth.type', p.ethType],
    ['ip.proto', p.proto],
    ['tcp.dst', p.tcpDst],
    ['ip4.src', p.ip4Src],
    ['eth.dst', p.ethDst],
    ['ct_state', p.ctState],
    ['flags', p.flags],
    ['ip.frag', p.frag],
    ['inport', p.inport],
  ]));

function typed(text: string): Expr {
  return checkMatch(parseMatchOrThrow(text), ctx);
}

const ev = (e: Expr, p: Packet) => evaluate(e, p, evalCtx);

/**
 * Normalizes, or skips the case (fc.pre) when DNF would exceed its bound: random inequalities over wide
 * fields (eth.dst != x is 48 alternatives) legitimately blow past it, and refusing them is the design.
 */
function normalize(e: Expr): Expr {
  try {
    return normalizeUnbounded(e);
  } catch (err) {
    if (err instanceof LflowTooComplexError) fc.pre(false);
    throw err;
  }
}

/** Whether an expression has an effective inequality on a nominal field (valid upstream only as `!=` under `!`). */
function hasNominalInequality(e: Expr): boolean {
  switch (e.type) {
    case 'cmp':
      return e.relop === '!=' && e.symbol.level === 'nominal' && e.symbol.expansion === null;
    case 'strcmp':
      return e.relop === '!=';
    case 'and':
    case 'or':
      return e.operands.some(hasNominalInequality);
    default:
      return false;
  }
}

describe('lflow expression properties (fast-check)', () => {
  it('normalization keeps the meaning of checked and of annotated expressions', () => {
    fc.assert(
      fc.property(matchText(3, false), fc.array(packetArb, { minLength: 5, maxLength: 5 }), (text, packets) => {
        const e = typed(text);
        const n = normalize(e);
        const a = annotate(e, symtab);
        const an = normalize(a);
        for (const p of packets) {
          assert.equal(ev(n, p), ev(e, p), `normalize: ${text} => ${printExpr(n)}`);
          assert.equal(ev(an, p), ev(a, p), `normalize annotated: ${text} => ${printExpr(an)}`);
        }
      }),
      { numRuns },
    );
  });

  it('annotation without prerequisites keeps meaning; with them it only adds conditions to positive tests', () => {
    fc.assert(
      fc.property(matchText(3, false), packetArb, (text, p) => {
        const e = typed(text);
        assert.equal(ev(annotate(e, symtab, { prereqs: false }), p), ev(e, p), text);
      }),
      { numRuns },
    );
    // A concrete prerequisite effect: tcp.dst == 80 does not match a UDP packet that carries 80 there.
    const udp = new Map<string, bigint | string>([['eth.type', 0x800n], ['ip.proto', 17n], ['tcp.dst', 80n]]);
    assert.equal(ev(typed('tcp.dst == 80'), udp), true);
    assert.equal(ev(annotate(typed('tcp.dst == 80'), symtab), udp), false);
  });

  it('normal form is a DNF of literals and normalizing twice changes nothing', () => {
    fc.assert(
      fc.property(matchText(3, false), (text) => {
        const n = normalize(annotate(typed(text), symtab));
        const isLiteral = (x: Expr) => x.type === 'cmp' || x.type === 'strcmp' || x.type === 'condition';
        const isConj = (x: Expr) => isLiteral(x) || (x.type === 'and' && x.operands.every(isLiteral));
        assert.ok(n.type === 'bool' || isConj(n) || (n.type === 'or' && n.operands.every(isConj)), printExpr(n));
        if (n.type !== 'bool') {
          const walk = (x: Expr): void => {
            if (x.type === 'cmp') assert.ok(x.relop === '==' || (x.relop === '!=' && x.symbol.level === 'nominal'), printExpr(x));
            if (x.type === 'and' || x.type === 'or') x.operands.forEach(walk);
          };
          walk(n);
        }
        assert.equal(printExpr(normalize(n)), printExpr(n));
      }),
      { numRuns },
    );
  });

  it('printed expressions parse back to the same expression (syntax, typed and normalized forms)', () => {
    fc.assert(
      fc.property(matchText(3, false), packetArb, (text, p) => {
        const syntax = parseMatchOrThrow(text);
        const s1 = printSyntax(syntax);
        assert.equal(printSyntax(parseMatchOrThrow(s1)), s1);
        const n = normalize(annotate(typed(text), symtab));
        for (const e of hasNominalInequality(n) ? [typed(text)] : [typed(text), n]) {
          const t1 = printExpr(e);
          // A DNF near its bound can print longer than the lexer accepts; that is not a round-trip case.
          if (t1.length > maxInputChars) continue;
          const back = typed(t1);
          assert.equal(printExpr(back), t1, `${text}\n  printed ${t1}`);
          assert.equal(ev(back, p), ev(e, p), t1);
        }
      }),
      { numRuns },
    );
  });

  it('prefix blocks cover a range exactly and minimally', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.nat(), fc.nat(), (n, x, y) => {
        const max = (1 << n) - 1;
        const lo = Math.min(x % (max + 1), y % (max + 1));
        const hi = Math.max(x % (max + 1), y % (max + 1));
        const blocks = prefixBlocks(BigInt(lo), BigInt(hi), n);
        assert.ok(blocks.length <= 2 * n);
        for (let v = 0; v <= max; v++) {
          const hits = blocks.filter(([bv, bm]) => (BigInt(v) & bm) === bv).length;
          assert.equal(hits, v >= lo && v <= hi ? 1 : 0, `${v} in [${lo},${hi}] over ${n} bits`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
