// Normalization: negation pushing, simplification and disjunctive normal form.
//   1. `not` is pushed into comparisons (negate.ts).
//   2. Every integer comparison becomes equalities of value/mask: x != v/m is an OR over the mask's bits
//      (x[i] == !v[i]); x < c, x >= c ... become ORs of prefix blocks (as upstream expr_simplify does).
//   3. AND is distributed over OR, bounded by maxDnfConjunctionsCount.
//   4. Each conjunction is crushed: equalities on one field merge (contradictions drop the conjunction),
//      duplicate and absorbed terms go, and the result is sorted so equal meanings print the same.
// The result is true, false, one conjunction, or an OR of conjunctions of literals (cmp ==, cmp != on a
// whole nominal field, strcmp, condition). Normalization never changes what an expression matches (property-tested with evaluate.ts).
// This is the analysis form (evaluation, contradiction checks, printing). Compilation to OpenFlow does not
// use it: it follows upstream's own steps (expr-simplify.ts, normal-form.ts, compile/to-matches.ts) so
// that it installs exactly the flows ovn-controller installs.
import { LflowError, LflowTooComplexError } from './errors';
import { contiguousRange, falseExpr, lowestBit, ones, trueExpr, type CmpExpr, type Expr } from './expr';
import { pushNegation } from './negate';
import { unreachable } from '../util/assert';

/** Default bound on the number of conjunctions DNF may produce before we refuse the expression. */
export const maxDnfConjunctionsCount = 10_000;
/** Candidate conjunctions examined per AND step, as a multiple of the bound, before giving up. */
export const dnfWorkFactor = 16;
/** Above this many conjunctions the quadratic absorption pass is skipped (the result is still correct). */
export const maxAbsorptionConjunctionsCount = 2_000;

export interface NormalizeOptions {
  maxConjunctions?: number;
}

type Literal = Exclude<Expr, { type: 'and' | 'or' | 'not' | 'bool' }>;
type Conjunction = Literal[];

export function normalize(e: Expr, options: NormalizeOptions = {}): Expr {
  const bound = options.maxConjunctions ?? maxDnfConjunctionsCount;
  const simplified = simplify(pushNegation(e));
  const dnf = toDnf(simplified, bound);
  const crushed: Conjunction[] = [];
  for (const c of dnf) {
    const k = crush(c);
    if (k === null) continue;
    if (k.length === 0) return trueExpr;
    crushed.push(k);
  }
  return build(absorb(dedupe(crushed)));
}

/** Step 2: only == comparisons remain (no relational, no !=). Input has no `not`. */
export function simplify(e: Expr): Expr {
  switch (e.type) {
    case 'and':
    case 'or':
      return { type: e.type, operands: e.operands.map(simplify) };
    case 'cmp':
      return simplifyCmp(e);
    case 'not':
      return simplify(pushNegation(e));
    default:
      return e;
  }
}

function eq(c: CmpExpr, value: bigint, mask: bigint): CmpExpr {
  return { ...c, relop: '==', value: value & mask, mask };
}

function simplifyCmp(c: CmpExpr): Expr {
  if (c.mask === 0n) return c.relop === '==' || c.relop === '<=' || c.relop === '>=' ? trueExpr : falseExpr;
  switch (c.relop) {
    case '==':
      return eq(c, c.value, c.mask);
    case '!=': {
      // OpenFlow cannot mask a nominal field (ip.proto, eth.type): x != v stays a literal of its own.
      if (c.symbol.level === 'nominal' && c.symbol.expansion === null && c.mask === ones(c.symbol.width)) return c;
      const bits: Expr[] = [];
      for (let i = 0; i < c.symbol.width; i++) {
        const bit = 1n << BigInt(i);
        if ((c.mask & bit) !== 0n) bits.push(eq(c, ~c.value & bit, bit));
      }
      return bits.length === 1 ? bits[0]! : { type: 'or', operands: bits };
    }
    default: {
      const range = contiguousRange(c.mask);
      if (range === null) throw new LflowError(c.pos, 'Relational comparison needs a contiguous bit range.');
      const n = range.hi - range.lo + 1;
      const max = ones(n);
      const a = (c.value & c.mask) >> BigInt(range.lo);
      let lo: bigint;
      let hi: bigint;
      if (c.relop === '<') [lo, hi] = [0n, a - 1n];
      else if (c.relop === '<=') [lo, hi] = [0n, a];
      else if (c.relop === '>') [lo, hi] = [a + 1n, max];
      else [lo, hi] = [a, max];
      if (lo > hi) return falseExpr;
      const blocks = prefixBlocks(lo, hi, n).map(([v, m]) => eq(c, v << BigInt(range.lo), m << BigInt(range.lo)));
      if (blocks.length === 1 && blocks[0]!.mask === 0n) return trueExpr;
      return blocks.length === 1 ? blocks[0]! : { type: 'or', operands: blocks };
    }
  }
}

/** The fewest value/mask prefix blocks covering exactly [lo, hi] within n bits. */
export function prefixBlocks(lo: bigint, hi: bigint, n: number): Array<[bigint, bigint]> {
  const out: Array<[bigint, bigint]> = [];
  const full = ones(n);
  let x = lo;
  while (x <= hi) {
    // Largest aligned block starting at x that stays within hi.
    let size = x === 0n ? 1n << BigInt(n) : 1n << BigInt(lowestBit(x));
    while (x + size - 1n > hi) size >>= 1n;
    out.push([x, full & ~(size - 1n)]);
    x += size;
  }
  return out;
}

function toDnf(e: Expr, bound: number): Conjunction[] {
  switch (e.type) {
    case 'bool':
      return e.value ? [[]] : [];
    case 'cmp':
    case 'strcmp':
    case 'condition':
      return [[e]];
    case 'or': {
      const out: Conjunction[] = [];
      for (const o of e.operands) {
        out.push(...toDnf(o, bound));
        if (out.length > bound) tooBig(bound);
      }
      return out;
    }
    case 'and': {
      // Conjunctions are crushed as they grow, so contradictions (tcp.dst == 80 && tcp.dst > 1000) are
      // pruned before they multiply.
      let acc: Conjunction[] = [[]];
      for (const o of e.operands) {
        const d = toDnf(o, bound);
        if (acc.length * d.length > bound * dnfWorkFactor) tooBig(bound);
        const next = new Map<string, Conjunction>();
        for (const a of acc) {
          for (const b of d) {
            const c = crush([...a, ...b]);
            if (c !== null) next.set(c.map(literalKey).join(' & '), c);
          }
        }
        if (next.size > bound) tooBig(bound);
        acc = [...next.values()];
        if (acc.length === 0) return acc;
      }
      return acc;
    }
    case 'not':
      return toDnf(simplify(pushNegation(e)), bound);
    default:
      return unreachable(e, 'expression');
  }
}

function tooBig(bound: number): never {
  throw new LflowTooComplexError(0, `Expression is too complex: its disjunctive normal form has more than ${bound} conjunctions (maxDnfConjunctionsCount).`);
}

/** Merges a conjunction's literals; null when they contradict each other. */
function crush(c: Conjunction): Conjunction | null {
  const ints = new Map<string, CmpExpr>();
  const intNe = new Map<string, CmpExpr>();
  const strEq = new Map<string, Extract<Literal, { type: 'strcmp' }>>();
  const strNe = new Map<string, Extract<Literal, { type: 'strcmp' }>>();
  const conds = new Map<string, Extract<Literal, { type: 'condition' }>>();
  for (const lit of c) {
    switch (lit.type) {
      case 'cmp': {
        if (lit.relop === '!=') {
          intNe.set(`${lit.symbol.name}\u0000${lit.value}`, lit);
          break;
        }
        const prev = ints.get(lit.symbol.name);
        if (!prev) {
          ints.set(lit.symbol.name, lit);
        } else {
          if (((prev.value ^ lit.value) & prev.mask & lit.mask) !== 0n) return null;
          ints.set(lit.symbol.name, { ...prev, value: prev.value | lit.value, mask: prev.mask | lit.mask });
        }
        break;
      }
      case 'strcmp': {
        if (lit.relop === '==') {
          const prev = strEq.get(lit.symbol.name);
          if (prev && prev.value !== lit.value) return null;
          strEq.set(lit.symbol.name, lit);
        } else {
          strNe.set(`${lit.symbol.name}\u0000${lit.value}`, lit);
        }
        break;
      }
      case 'condition': {
        const prev = conds.get(lit.port);
        if (prev && prev.negated !== lit.negated) return null;
        conds.set(lit.port, lit);
        break;
      }
      default:
        return unreachable(lit, 'literal');
    }
  }
  const out: Conjunction = [];
  for (const k of [...ints.keys()].sort()) out.push(ints.get(k)!);
  for (const k of [...intNe.keys()].sort()) {
    const ne = intNe.get(k)!;
    const e = ints.get(ne.symbol.name);
    if (e && (e.mask & ne.mask) === ne.mask) {
      if ((e.value & ne.mask) === ne.value) return null; // x == v && x != v
      continue; // x == v already implies x != w
    }
    out.push(ne);
  }
  for (const k of [...strEq.keys()].sort()) out.push(strEq.get(k)!);
  for (const k of [...strNe.keys()].sort()) {
    const ne = strNe.get(k)!;
    const e = strEq.get(ne.symbol.name);
    if (e && e.value === ne.value) return null;
    if (!e) out.push(ne); // x == "a" already implies x != "b"
  }
  for (const k of [...conds.keys()].sort()) out.push(conds.get(k)!);
  return out;
}

export function literalKey(l: Literal): string {
  switch (l.type) {
    case 'cmp':
      return `${l.symbol.name}${l.relop}${l.value.toString(16)}/${l.mask.toString(16)}`;
    case 'strcmp':
      return `${l.symbol.name}${l.relop}${JSON.stringify(l.value)}`;
    case 'condition':
      return `${l.negated ? '!' : ''}chassis(${JSON.stringify(l.port)})`;
    default:
      return unreachable(l, 'literal');
  }
}

function dedupe(cs: Conjunction[]): Conjunction[] {
  const seen = new Map<string, Conjunction>();
  for (const c of cs) seen.set(c.map(literalKey).join(' & '), c);
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}

/** Whether conjunction `c` (crushed: one == literal per integer field) implies literal `l`. */
function implies(c: Conjunction, l: Literal): boolean {
  if (l.type === 'cmp' && l.relop === '==') {
    return c.some((x) => x.type === 'cmp' && x.relop === '==' && x.symbol === l.symbol && (x.mask & l.mask) === l.mask && (x.value & l.mask) === l.value);
  }
  const key = literalKey(l);
  return c.some((x) => literalKey(x) === key);
}

/** a || (a && b) is a: drops each conjunction that implies another, weaker one. */
function absorb(cs: Conjunction[]): Conjunction[] {
  if (cs.length > maxAbsorptionConjunctionsCount) return cs;
  const dropped = new Set<number>();
  for (let i = 0; i < cs.length; i++) {
    for (let j = 0; j < cs.length; j++) {
      if (i === j || dropped.has(j)) continue;
      // cs[i] implies cs[j] (every literal of cs[j] holds whenever cs[i] does): cs[i] adds nothing.
      if (cs[j]!.every((l) => implies(cs[i]!, l))) {
        dropped.add(i);
        break;
      }
    }
  }
  return cs.filter((_, i) => !dropped.has(i));
}

function build(cs: Conjunction[]): Expr {
  if (cs.length === 0) return falseExpr;
  const terms: Expr[] = cs.map((c) => (c.length === 1 ? c[0]! : { type: 'and', operands: c }));
  return terms.length === 1 ? terms[0]! : { type: 'or', operands: terms };
}
