// Crushing (upstream lib/expr.c crush_cmps and friends): an expression over a single symbol becomes one
// comparison, an OR of comparisons, or a Boolean. Used by normal-form.ts on each group of same-symbol
// terms of an AND. Mirrors upstream's results exactly, including what it does not do: overlapping OR
// members ({10.0.0.0/8, 10.0.0.1}) both stay; only identical ones merge.
//   AND of integer terms: comparisons intersect (value/mask); with one OR, each member is intersected with
//     them; with two ORs, their pairwise intersections replace both (then again with the next OR).
//   AND of string terms: one value must be allowed by every OR; else the ORs' common values.
//   OR: members crushed, sorted by (value, mask) or string, exact duplicates dropped.
import { LflowTooComplexError } from './errors';
import { falseExpr, trueExpr, type CmpExpr, type Expr, type StrcmpExpr } from './expr';
import { fixAndOr, spliceInto } from './expr-simplify';
import type { LogicalSymbol } from './symtab';
import { unreachable } from '../util/assert';

/** mf_subvalue_intersect: both value/mask pairs at once, or null when they disagree on a common bit. */
export function intersect(av: bigint, am: bigint, bv: bigint, bm: bigint): { v: bigint; m: bigint } | null {
  if (((av ^ bv) & am & bm) !== 0n) return null;
  return { v: av | bv, m: am | bm };
}

/** Work left before crushing gives up (upstream has no bound: x != a && x != b on 128 bits is 16k terms). */
export interface CrushBudget {
  left: number;
}

function spend(budget: CrushBudget, n: number): void {
  budget.left -= n;
  if (budget.left < 0) throw new LflowTooComplexError(0, 'Expression is too complex: crushing its comparisons of one field exceeds the bound.');
}

/** crush_cmps: `e` mentions only `symbol` (in the sense of uniqueSymbol). */
export function crush(e: Expr, symbol: LogicalSymbol, budget: CrushBudget = { left: Infinity }): Expr {
  switch (e.type) {
    case 'or':
      return crushOr(e.operands, symbol, budget);
    case 'and':
      return symbol.width > 0 ? crushAndNumeric(e.operands, symbol, budget) : crushAndString(e.operands, symbol, budget);
    case 'cmp':
    case 'strcmp':
    case 'bool':
      return e;
    case 'not':
    case 'condition':
      throw new Error(`crush: unexpected ${e.type} (simplify and evaluate conditions first)`);
    default:
      return unreachable(e, 'expression');
  }
}

function compareMembers(a: Expr, b: Expr): number {
  if (a.type === 'strcmp' && b.type === 'strcmp') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.type === 'cmp' && b.type === 'cmp') {
    if (a.value !== b.value) return a.value < b.value ? -1 : 1;
    return a.mask < b.mask ? -1 : a.mask > b.mask ? 1 : 0;
  }
  throw new Error(`crush: OR member is ${a.type}/${b.type}, not a comparison`);
}

function crushOr(operands: readonly Expr[], symbol: LogicalSymbol, budget: CrushBudget): Expr {
  spend(budget, operands.length);
  const out: Expr[] = [];
  for (const o of operands) spliceInto('or', out, crush(o, symbol, budget));
  const fixed = fixAndOr('or', out);
  if (fixed.type !== 'or') return fixed;
  const sorted = [...fixed.operands].sort(compareMembers);
  const unique: Expr[] = [sorted[0]!];
  for (const s of sorted.slice(1)) if (compareMembers(unique[unique.length - 1]!, s) !== 0) unique.push(s);
  return fixAndOr('or', unique);
}

function crushAndString(operands: readonly Expr[], symbol: LogicalSymbol, budget: CrushBudget): Expr {
  let singleton: StrcmpExpr | null = null;
  const ors: Expr[][] = [];
  for (const o of operands) {
    const c = crush(o, symbol, budget);
    if (c.type === 'strcmp') {
      if (!singleton) singleton = c;
      else if (singleton.value !== c.value) return falseExpr;
    } else if (c.type === 'or') {
      ors.push(c.operands);
    } else if (c.type === 'bool') {
      if (!c.value) return falseExpr;
    } else {
      throw new Error(`crush: string AND operand is ${c.type}`);
    }
  }
  if (singleton) {
    const s = singleton;
    return ors.every((members) => members.some((m) => m.type === 'strcmp' && m.value === s.value)) ? s : falseExpr;
  }
  // The values every OR allows (upstream keeps them in a hash set: their order carries no meaning).
  let common: Map<string, StrcmpExpr> | null = null;
  for (const members of ors) {
    const these = new Map<string, StrcmpExpr>();
    for (const m of members) if (m.type === 'strcmp') these.set(m.value, m);
    const before: Map<string, StrcmpExpr> = common ?? these;
    common = new Map([...before].filter((entry) => these.has(entry[0])));
    if (common.size === 0) return falseExpr;
  }
  return fixAndOr('or', [...(common ?? new Map<string, StrcmpExpr>()).values()].map((m) => ({ ...m, relop: '==' as const })));
}

function crushAndNumeric(operands: readonly Expr[], symbol: LogicalSymbol, budget: CrushBudget): Expr {
  let value = 0n;
  let mask = 0n;
  let template: CmpExpr | null = null;
  const ors: Expr[] = [];
  for (const o of operands) {
    const c = crush(o, symbol, budget);
    if (c.type === 'cmp') {
      const x = intersect(value, mask, c.value, c.mask);
      if (!x) return falseExpr;
      [value, mask, template] = [x.v, x.m, c];
    } else if (c.type === 'or') {
      ors.push(c);
    } else if (c.type === 'bool') {
      if (!c.value) return falseExpr;
    } else {
      throw new Error(`crush: integer AND operand is ${c.type}`);
    }
  }
  if (ors.length === 0) {
    if (mask === 0n || template === null) return trueExpr;
    return { ...template, value, mask };
  }
  const members = (or: Expr): CmpExpr[] => {
    if (or.type !== 'or') throw new Error('crush: expected an OR');
    return or.operands.map((m) => {
      if (m.type !== 'cmp') throw new Error(`crush: OR member is ${m.type}`);
      return m;
    });
  };
  if (ors.length === 1) {
    // a && (b || c || d) -> ab || ac || ad
    const out: Expr[] = [];
    for (const m of members(ors[0]!)) {
      const x = intersect(value, mask, m.value, m.mask);
      if (x) out.push({ ...m, value: x.v, mask: x.m });
    }
    if (out.length === 0) return falseExpr;
    if (out.length === 1) return out[0]!;
    return crush({ type: 'or', operands: out }, symbol, budget);
  }
  // x && (a0 || a1) && (b0 || b1) && rest -> (xa0b0 || xa0b1 || xa1b0 || xa1b1) && rest
  const [as, bs, ...rest] = ors;
  spend(budget, members(as!).length * members(bs!).length);
  const out: Expr[] = [];
  for (const a of members(as!)) {
    const xa = intersect(value, mask, a.value, a.mask);
    if (!xa) continue;
    for (const b of members(bs!)) {
      const x = intersect(xa.v, xa.m, b.value, b.mask);
      if (x) out.push({ ...b, value: x.v, mask: x.m });
    }
  }
  if (out.length === 0) return falseExpr;
  const merged: Expr = out.length === 1 ? out[0]! : { type: 'or', operands: out };
  if (rest.length === 0) return crush(merged, symbol, budget);
  return crush({ type: 'and', operands: [merged, ...rest] }, symbol, budget);
}
