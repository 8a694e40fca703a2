// The match pipeline in one call: parse, type check, annotate (prerequisites, subfields, predicates), and
// refuse matches whose prerequisites contradict each other (tcp.src == 80 && udp.dst == 53 needs
// ip.proto == 6 and ip.proto == 17 at once), which can never match any packet.
import { annotate } from './annotate';
import { checkMatch, type CheckContext } from './check-match';
import { attempt, LflowError, LflowTooComplexError, type Result } from './errors';
import type { Expr } from './expr';
import { normalize, type NormalizeOptions } from './normalize';
import { parseMatchOrThrow } from './parse-match';
import type { SyntaxExpr } from './syntax';

export interface CheckedMatch {
  syntax: SyntaxExpr;
  /** Typed, as written (subfields and predicates by name, `not` where written). */
  expr: Expr;
  /** With prerequisites added and subfields/predicates expanded: every comparison on a root field. */
  annotated: Expr;
}

export function checkMatchText(text: string, ctx: CheckContext, options: NormalizeOptions = {}): Result<CheckedMatch> {
  return attempt(() => {
    const syntax = parseMatchOrThrow(text);
    const expr = checkMatch(syntax, ctx);
    const annotated = annotate(expr, ctx.symtab);
    if (neverMatches(annotated, options) && !neverMatches(annotate(expr, ctx.symtab, { prereqs: false }), options)) {
      throw new LflowError(syntax.pos, 'Contradictory prerequisites: the fields used need conditions that cannot all hold (e.g. tcp and udp fields together).');
    }
    return { syntax, expr, annotated };
  });
}

/**
 * Bound on the disjunctive normal form the diagnostic builds: it runs on every match compiled, and the
 * compiler itself does not need the DNF (contradictions it meets simply compile to no flows).
 */
export const neverMatchesConjunctionsMax = 1_000;

/**
 * Whether normalization proves the expression false. The check is a diagnostic: an expression too large
 * to normalize within the bound is not refused here (normalize() will refuse it where DNF is needed).
 */
function neverMatches(e: Expr, options: NormalizeOptions): boolean {
  try {
    const n = normalize(e, { maxConjunctions: options.maxConjunctions ?? neverMatchesConjunctionsMax });
    return n.type === 'bool' && !n.value;
  } catch (err) {
    if (err instanceof LflowTooComplexError) return false;
    throw err;
  }
}
