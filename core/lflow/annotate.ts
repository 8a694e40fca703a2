// Annotation (upstream expr_annotate): makes a typed expression self-contained for compilation by
//  - adding each symbol's prerequisites (tcp.src needs `tcp`, which is `ip.proto == 6`, which needs `ip`),
//  - replacing subfields by their parent fields with shifted value and mask (ct.est -> ct_state bit 1),
//  - replacing predicates by the expressions they stand for (negated when tested negatively).
// Afterwards every comparison is on a root field: an OpenFlow field, a string (port) field or an OVN field.
import { LflowError } from './errors';
import { combine, type Expr } from './expr';
import { checkMatch } from './check-match';
import { noNames } from './lookup';
import { pushNegation } from './negate';
import { parseMatchOrThrow } from './parse-match';
import type { LogicalSymbol, Symtab } from './symtab';
import { unreachable } from '../util/assert';

export interface AnnotateOptions {
  /** Add prerequisites (default true). Without them, only subfields and predicates are expanded. */
  prereqs?: boolean;
}

const parsedCache = new WeakMap<Symtab, Map<string, Expr>>();

/** A predicate's expansion or a symbol's prerequisites, checked against the symbol table (cached). */
export function symbolExpression(symtab: Symtab, text: string, owner: LogicalSymbol): Expr {
  let cache = parsedCache.get(symtab);
  if (!cache) {
    cache = new Map();
    parsedCache.set(symtab, cache);
  }
  const hit = cache.get(text);
  if (hit) return hit;
  let e: Expr;
  try {
    e = pushNegation(checkMatch(parseMatchOrThrow(text), { symtab, names: noNames }));
  } catch (err) {
    if (!(err instanceof LflowError)) throw err;
    // A broken symbol table row: report it as the table's fault, not the user's.
    throw new LflowError(0, `Error parsing expression \`${text}' of symbol ${owner.name}: ${err.problem}`);
  }
  cache.set(text, e);
  return e;
}

export function annotate(e: Expr, symtab: Symtab, options: AnnotateOptions = {}): Expr {
  // Negation first, as upstream: prerequisites are then added to each (possibly inverted) comparison.
  return new Annotator(symtab, options.prereqs !== false).run(flatten(pushNegation(e)), true, new Set());
}

/**
 * The shape upstream's parser gives an expression (expr_combine): an AND or OR directly inside one of the
 * same type is spliced into it, so `a || x == {1, 2}` is a three-way OR. It decides where prerequisites
 * attach (once for a whole single-symbol OR, or per comparison) and so which conjunctive matches
 * ovn-controller can build later.
 */
function flatten(e: Expr): Expr {
  if (e.type !== 'and' && e.type !== 'or') return e;
  const out: Expr[] = [];
  for (const o of e.operands) {
    const f = flatten(o);
    if (f.type === e.type) out.push(...f.operands);
    else out.push(f);
  }
  return { type: e.type, operands: out };
}

class Annotator {
  constructor(
    private readonly symtab: Symtab,
    private readonly withPrereqs: boolean,
  ) {}

  run(e: Expr, appendPrereqs: boolean, nesting: Set<string>): Expr {
    switch (e.type) {
      case 'bool':
      case 'condition':
        return e;
      case 'not':
        return this.run(pushNegation(e), appendPrereqs, nesting);
      case 'and':
      case 'or': {
        // If every comparison below mentions one symbol, its prerequisites are added once here.
        const unique = appendPrereqs ? uniqueSymbol(e) : null;
        const inner = e.operands.map((o) => this.run(o, appendPrereqs && unique === null, nesting));
        const body = combine(e.type, inner);
        return unique ? this.withSymbolPrereqs(body, unique, e, nesting) : body;
      }
      case 'cmp':
      case 'strcmp':
        return this.cmp(e, appendPrereqs, nesting);
      default:
        return unreachable(e, 'expression');
    }
  }

  private withSymbolPrereqs(body: Expr, symbol: LogicalSymbol, at: Expr, nesting: Set<string>): Expr {
    const p = this.prereqsOf(symbol, at, nesting);
    return p ? combine('and', [body, p]) : body;
  }

  private prereqsOf(symbol: LogicalSymbol, at: Expr, nesting: Set<string>): Expr | null {
    if (!this.withPrereqs || symbol.prereqs === null) return null;
    return this.nested(symbol, at, nesting, () =>
      this.run(symbolExpression(this.symtab, symbol.prereqs!, symbol), true, nesting),
    );
  }

  private nested(symbol: LogicalSymbol, at: Expr, nesting: Set<string>, f: () => Expr): Expr {
    if (nesting.has(symbol.name)) {
      throw new LflowError(exprPos(at), `Recursive expansion of symbol \`${symbol.name}'.`);
    }
    nesting.add(symbol.name);
    try {
      return f();
    } finally {
      nesting.delete(symbol.name);
    }
  }

  private cmp(e: Extract<Expr, { type: 'cmp' | 'strcmp' }>, appendPrereqs: boolean, nesting: Set<string>): Expr {
    const symbol = e.symbol;
    const prereqs = appendPrereqs ? this.prereqsOf(symbol, e, nesting) : null;
    let body: Expr;
    if (e.type === 'cmp' && symbol.parent) {
      const shift = BigInt(symbol.parent.ofs);
      body = this.cmp({ ...e, symbol: symbol.parent.symbol, value: e.value << shift, mask: e.mask << shift }, false, nesting);
    } else if (e.type === 'cmp' && symbol.expansion !== null) {
      const positive = ((e.value & 1n) === 1n) !== (e.relop === '!=');
      const expanded = this.nested(symbol, e, nesting, () =>
        this.run(symbolExpression(this.symtab, symbol.expansion!, symbol), this.withPrereqs, nesting),
      );
      body = positive ? expanded : { type: 'not', operand: expanded };
    } else {
      body = e;
    }
    return prereqs ? combine('and', [body, prereqs]) : body;
  }
}

function exprPos(e: Expr): number {
  return e.type === 'cmp' || e.type === 'strcmp' || e.type === 'condition' ? e.pos : 0;
}

/**
 * The one symbol every leaf of `e` compares, as upstream expr_get_unique_symbol decides it: a Boolean
 * constant or a condition anywhere below makes it "none" (so `(ip4.src != x || 1)` gets its prerequisite
 * inside the OR and stays true for non-IP packets, as upstream evaluates it).
 */
export function uniqueSymbol(e: Expr): LogicalSymbol | null {
  switch (e.type) {
    case 'cmp':
    case 'strcmp':
      return e.symbol;
    case 'and':
    case 'or': {
      let found: LogicalSymbol | null = null;
      for (const o of e.operands) {
        const s = uniqueSymbol(o);
        if (s === null || (found !== null && found.name !== s.name)) return null;
        found = s;
      }
      return found;
    }
    case 'not':
      return uniqueSymbol(e.operand);
    default:
      return null;
  }
}
