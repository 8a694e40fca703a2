// The normal form ovn-controller 23.03 compiles to OpenFlow (upstream lib/expr.c expr_normalize):
// an OR of terms, each a comparison or an AND of comparisons and of ORs over a single symbol ("clauses").
// Unlike a full disjunctive normal form, an OR over one symbol stays an OR inside its AND unless the
// symbol is must_crossproduct (eth.type, ip.proto, icmp6 type/code) - that is what lets expr_to_matches
// (compile/to-matches.ts) build conjunctive matches. Every other OR inside an AND is distributed (the cross
// product), one at a time. Terms are not deduplicated or absorbed: `a || (a && b)` stays two terms, as
// upstream keeps it (identical OpenFlow matches merge later).
// Input: simplified (expr-simplify.ts) with conditions evaluated: comparisons are ==, no `not`.
import { uniqueSymbol } from './annotate';
import { LflowTooComplexError } from './errors';
import { falseExpr, trueExpr, type Expr } from './expr';
import { crush } from './crush';
import { fixAndOr, spliceInto } from './expr-simplify';
import type { LogicalSymbol } from './symtab';

/** Bound on the terms the cross products of one expression may build (upstream has none). */
export const maxNormalFormTermsCount = 100_000;
/** Crushing and cross products together may build this many terms per term of the bound. */
export const crushWorkFactor = 4;

export function toNormalForm(e: Expr, maxTerms = maxNormalFormTermsCount): Expr {
  // One budget for the cross products and for crushing (counted in terms built), scaled from the bound.
  const budget = { left: maxTerms * crushWorkFactor };
  switch (e.type) {
    case 'and':
      return normalizeAnd(e.operands, budget);
    case 'or':
      return normalizeOr(e.operands, budget);
    case 'not':
    case 'condition':
      throw new Error(`toNormalForm: unexpected ${e.type} (simplify and evaluate conditions first)`);
    default:
      return e;
  }
}

interface Budget {
  left: number;
}

/** expr_sort's order: comparisons and single-symbol terms by symbol name, then ANDs, then ORs by size. */
const typeRank: Record<Expr['type'], number> = { cmp: 0, strcmp: 0, and: 1, or: 2, bool: 3, condition: 4, not: 5 };

interface Sortable {
  e: Expr;
  symbol: LogicalSymbol | null;
  rank: number;
}

function compareSortable(a: Sortable, b: Sortable): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.symbol && b.symbol) return a.symbol.name < b.symbol.name ? -1 : a.symbol.name > b.symbol.name ? 1 : 0;
  if ((a.e.type === 'and' || a.e.type === 'or') && (b.e.type === 'and' || b.e.type === 'or')) {
    return a.e.operands.length - b.e.operands.length;
  }
  return 0;
}

/**
 * expr_sort: groups an AND's terms by symbol and crushes each group, so all of a symbol's constraints in
 * one AND become one comparison or one OR. Returns an AND, a single term, or a Boolean.
 */
function sortAnd(operands: readonly Expr[], budget: Budget): Expr {
  const subs: Sortable[] = operands.map((e) => {
    const symbol = uniqueSymbol(e);
    return { e, symbol, rank: symbol ? 0 : typeRank[e.type] };
  });
  subs.sort(compareSortable);
  const out: Expr[] = [];
  for (let i = 0; i < subs.length;) {
    const sym = subs[i]!.symbol;
    if (!sym) {
      spliceInto('and', out, subs[i++]!.e);
      continue;
    }
    let j = i + 1;
    while (j < subs.length && subs[j]!.symbol?.name === sym.name) j++;
    const group: Expr[] = [];
    for (let k = i; k < j; k++) spliceInto('and', group, subs[k]!.e);
    const crushed = crush(j === i + 1 ? subs[i]!.e : { type: 'and', operands: group }, sym, budget);
    if (crushed.type === 'bool') {
      if (!crushed.value) return falseExpr;
    } else {
      spliceInto('and', out, crushed);
    }
    i = j;
  }
  if (out.length === 0) return trueExpr;
  return out.length === 1 ? out[0]! : { type: 'and', operands: out };
}

function normalizeAnd(operands: readonly Expr[], budget: Budget): Expr {
  const sorted = sortAnd(operands, budget);
  if (sorted.type !== 'and') return sorted;
  const terms = sorted.operands;
  for (const sub of terms) {
    if (sub.type !== 'or') continue;
    const symbol = uniqueSymbol(sub);
    if (symbol && !symbol.crossproduct) continue;
    // Distribute this OR over the AND; the other ORs are dealt with when each new AND is normalized.
    budget.left -= sub.operands.length * terms.length;
    if (budget.left < 0) {
      throw new LflowTooComplexError(0, `Expression is too complex: its normal form has more than ${maxNormalFormTermsCount} terms (maxNormalFormTermsCount).`);
    }
    const ands: Expr[] = sub.operands.map((k) => {
      const and: Expr[] = [];
      for (const m of terms) spliceInto('and', and, m === sub ? k : m);
      return { type: 'and', operands: and };
    });
    return normalizeOr(ands, budget);
  }
  return sorted;
}

function normalizeOr(operands: readonly Expr[], budget: Budget): Expr {
  const out: Expr[] = [];
  for (const sub of operands) {
    if (sub.type !== 'and') {
      out.push(sub);
      continue;
    }
    const n = normalizeAnd(sub.operands, budget);
    if (n.type === 'bool') {
      if (n.value) return trueExpr;
      continue;
    }
    spliceInto('or', out, n);
  }
  return fixAndOr('or', out);
}
